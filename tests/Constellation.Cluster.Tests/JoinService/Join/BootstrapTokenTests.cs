using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.LocalCluster;

namespace Constellation.Cluster.Tests.JoinService.Join;

public class BootstrapTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Tokens_have_the_kubeadm_format_and_a_15_minute_expiry()
    {
        var token = BootstrapToken.Generate(Now, BootstrapToken.DefaultLifetime);

        token.Value.Should().MatchRegex("^[a-z0-9]{6}\\.[a-z0-9]{16}$");
        BootstrapToken.IsWellFormed(token.Value).Should().BeTrue();
        token.Expires.Should().Be(Now.AddMinutes(15));
    }

    [Test]
    public void ToString_hides_the_secret_part()
    {
        var token = BootstrapToken.Generate(Now, BootstrapToken.DefaultLifetime);

        token.ToString().Should().StartWith(token.Id).And.NotContain(token.Secret);
    }

    [TestCase("abcdef.0123456789abcdef", true)]
    [TestCase("ABCDEF.0123456789abcdef", false)]
    [TestCase("abcde.0123456789abcdef", false)]
    [TestCase("abcdef.0123456789abcde", false)]
    [TestCase("abcdef-0123456789abcdef", false)]
    [TestCase("abcdef.0123456789abcdef\n", false)]
    public void The_format_check_is_exact(string candidate, bool wellFormed) =>
        BootstrapToken.IsWellFormed(candidate).Should().Be(wellFormed);

    [Test]
    public async Task A_local_token_is_redeemable_once_and_not_after_expiry()
    {
        var time = new ManualTimeProvider(Now);
        using var kubernetes = new LocalKubernetesOperations(ClusterCertificateAuthority.Create("kubernetes", Now), "127.0.0.1:6443", time);
        var first = await kubernetes.CreateBootstrapTokenAsync(TimeSpan.FromMinutes(15));
        var second = await kubernetes.CreateBootstrapTokenAsync(TimeSpan.FromMinutes(15));

        kubernetes.TryRedeemToken(first.Value).Should().BeTrue();
        kubernetes.TryRedeemToken(first.Value).Should().BeFalse("a token is consumed on use");
        kubernetes.TryRedeemToken(second.Id + ".0000000000000000").Should().BeFalse("the secret part must match");
        time.Advance(TimeSpan.FromMinutes(15));
        kubernetes.TryRedeemToken(second.Value).Should().BeFalse("the token has expired");
    }
}
