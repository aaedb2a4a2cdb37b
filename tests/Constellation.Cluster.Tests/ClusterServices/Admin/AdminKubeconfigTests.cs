using System.Text;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.LocalCluster;

namespace Constellation.Cluster.Tests.ClusterServices.Admin;

/// <summary>
/// The admin credential is read from the kubeconfig <c>init</c> writes: its current user's client certificate and key,
/// and its API server's host; a kubeconfig that lacks either is refused naming the field, never printing the key.
/// </summary>
public class AdminKubeconfigTests
{
    [Test]
    public void A_kubeconfig_without_the_client_key_is_refused_naming_the_field()
    {
        var kubeconfig = WithoutLine(Kubeconfig(out _), "client-key-data");

        var read = () => AdminCredential.FromKubeconfig(kubeconfig);

        read.Should().Throw<ClusterException>().WithMessage("kubeconfig users[constellation-admin].user.client-key-data: expected base64 PEM, got none");
    }

    [Test]
    public void A_kubeconfig_without_a_current_context_is_refused_naming_the_field()
    {
        var kubeconfig = WithoutLine(Kubeconfig(out _), "current-context");

        var read = () => AdminCredential.FromKubeconfig(kubeconfig);

        read.Should().Throw<ClusterException>().WithMessage("kubeconfig current-context: expected a context name, got none");
    }

    [Test]
    public void A_refused_key_is_never_in_the_message()
    {
        var text = Encoding.UTF8.GetString(Kubeconfig(out _));
        var keyLine = text.Split('\n').Single(l => l.Contains("client-key-data", StringComparison.Ordinal));
        var key = keyLine[(keyLine.IndexOf(':', StringComparison.Ordinal) + 2)..];
        var broken = Encoding.UTF8.GetBytes(text.Replace(key, key[..40] + "!!" + key[40..], StringComparison.Ordinal));

        var read = () => AdminCredential.FromKubeconfig(broken);

        read.Should().Throw<ClusterException>().Which.Message.Should().NotContain(key[..40]);
    }

    [Test]
    public void The_admin_kubeconfig_init_writes_yields_the_admin_certificate_with_its_key_and_the_api_server_host()
    {
        var kubeconfig = Kubeconfig(out var ca);

        using var credential = AdminCredential.FromKubeconfig(kubeconfig);

        credential.HasPrivateKey.Should().BeTrue();
        credential.Subject.Should().Be("CN=kubernetes-admin, O=system:masters");
        credential.Issuer.Should().Be(ca);
        AdminCredential.ApiServerHost(kubeconfig).Should().Be("10.0.0.7");
    }

    private static byte[] Kubeconfig(out string caSubject)
    {
        using var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        using var ops = new LocalKubernetesOperations(ClusterCertificateAuthority.FromPem(ca.ExportCertificatePem(), ca.ExportPrivateKeyPem()), "10.0.0.7:6443", TimeProvider.System);
        using var certificate = ca.Certificate;
        caSubject = certificate.Subject;
        return ops.CreateAdminKubeconfig("constellation");
    }

    private static byte[] WithoutLine(byte[] kubeconfig, string key) =>
        Encoding.UTF8.GetBytes(string.Join('\n', Encoding.UTF8.GetString(kubeconfig).Split('\n').Where(l => !l.TrimStart().StartsWith(key + ":", StringComparison.Ordinal))));
}
