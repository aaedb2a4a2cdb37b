using System.Text.Json;
using Constellation.Attestation;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cli.Tests.Upgrade;

/// <summary>
/// <c>constellation upgrade apply</c> (the published binary) against cluster services with the admin API: signed
/// measurements are applied to the join policy and written into the config; a wrong signature, a node the current
/// config does not trust, another cluster's kubeconfig and a missing kubeconfig are refused, and nothing changes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class UpgradeApplyCommandTests
{
    private AdminServices _services = null!;
    private byte[] _policy = null!;
    private byte[] _config = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _services = await AdminServices.StartAsync();
        _policy = await File.ReadAllBytesAsync(_services.PolicyFile);
        _config = await File.ReadAllBytesAsync(_services.ConfigPath);
    }

    [TearDown]
    public async Task StopAsync() => await _services.DisposeAsync();

    [Test]
    public async Task A_wrong_signature_is_refused_and_nothing_is_applied()
    {
        await File.WriteAllBytesAsync(_services.MeasurementsPath + ".sig", _services.Sign("other content"u8.ToArray()));

        var (exitCode, _, error) = await RunAsync("--endpoint", _services.AdminEndpoint);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("measurements rejected").And.Contain("signature");
        NothingShouldHaveChanged();
    }

    [Test]
    public async Task A_missing_kubeconfig_is_named_with_a_hint()
    {
        var missing = Path.Combine(_services.Directory, "nowhere", "constellation-admin.conf");

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "upgrade", "apply", "--measurements", _services.MeasurementsPath, "--config", _services.ConfigPath, "--kubeconfig", missing,
            "--endpoint", _services.AdminEndpoint, "--public-key", _services.SigningKey.ExportSubjectPublicKeyInfoPem()).WaitAsync(AdminServices.Bound);

        exitCode.Should().Be(ExitCodes.UnusableInput, error);
        error.Should().Contain("--kubeconfig").And.Contain(missing).And.Contain("Hint:");
        NothingShouldHaveChanged();
    }

    [Test]
    public async Task Another_clusters_kubeconfig_is_refused_by_the_admin_api()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        using var other = new Constellation.Cluster.LocalCluster.LocalKubernetesOperations(otherCa, "127.0.0.1:6443", TimeProvider.System);
        await File.WriteAllBytesAsync(_services.KubeconfigPath, other.CreateAdminKubeconfig("constellation"));

        var (exitCode, _, error) = await RunAsync("--endpoint", _services.AdminEndpoint);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("did not apply the policy").And.Contain("--kubeconfig");
        NothingShouldHaveChanged();
    }

    [Test]
    public async Task A_node_the_current_config_does_not_trust_gets_nothing()
    {
        var distrusted = _services.Current.With(4, new Measurement(Enumerable.Repeat((byte)0x44, 32).ToArray(), warnOnly: false));
        await File.WriteAllTextAsync(_services.ConfigPath, Constellation.Attestation.Config.ConstellationConfigFile.WithMeasurements(
            Constellation.Attestation.Config.ConstellationConfigFile.Generate(CloudProvider.Qemu, image: "v2.23.0"), distrusted));
        _config = await File.ReadAllBytesAsync(_services.ConfigPath);

        var (exitCode, _, error) = await RunAsync("--endpoint", _services.AdminEndpoint);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("is not trusted").And.Contain("nothing was sent");
        NothingShouldHaveChanged();
    }

    [Test]
    public async Task Signed_measurements_are_applied_to_the_cluster_and_written_into_the_config()
    {
        var (exitCode, output, error) = await RunAsync("--endpoint", _services.AdminEndpoint, "--json");

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("variant").GetString().Should().Be("qemu-vtpm");
        json.RootElement.GetProperty("signatureVerified").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("endpoint").GetString().Should().Be(_services.AdminEndpoint);
        json.RootElement.GetProperty("digest").GetString().Should().Be(
            "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(_services.PolicyFile))));
        var published = _services.PublishedPolicy().Measurements;
        published[9].ToHex().Should().Be(AdminServices.NewPcr9);
        published[4].Should().Be(_services.Current[4], "measurements the file does not name are kept");
        _services.ConfiguredMeasurements().Equals(published).Should().BeTrue("the config now holds what the cluster admits");
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] extra) =>
        CliRunner.RunAsync([
            "upgrade", "apply", "--measurements", _services.MeasurementsPath, "--config", _services.ConfigPath, "--kubeconfig", _services.KubeconfigPath,
            "--public-key", _services.SigningKey.ExportSubjectPublicKeyInfoPem(), .. extra]).WaitAsync(AdminServices.Bound);

    private void NothingShouldHaveChanged()
    {
        File.ReadAllBytes(_services.PolicyFile).Should().Equal(_policy, "nothing may be published");
        File.ReadAllBytes(_services.ConfigPath).Should().Equal(_config, "the config must stay byte-for-byte unchanged");
    }
}
