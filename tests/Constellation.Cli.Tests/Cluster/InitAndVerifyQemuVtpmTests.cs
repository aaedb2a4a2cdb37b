using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.LocalCluster;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// <c>constellation init</c> and <c>verify</c> against an in-process qemu-vtpm node on a real swtpm: the node proves its
/// PCRs before it gets the master secret, and verify folds the cluster ID into PCR 15.
/// </summary>
public class InitAndVerifyQemuVtpmTests
{
    private ClusterNodes _nodes = null!;
    private BootstrapperNode _node = null!;
    private MeasurementSet _measurements = null!;
    private string _measurementsFile = null!;
    private string _clusterId = null!;

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(args).WaitAsync(ClusterNodes.Bound);

    [OneTimeSetUp]
    public async Task StartNodeAndInit()
    {
        _nodes = await ClusterNodes.CreateAsync();
        (_node, _measurements) = await _nodes.StartQemuVtpmAsync("cp-0");
        _measurementsFile = Path.Combine(_nodes.Directory, "measurements.json");
        await File.WriteAllTextAsync(_measurementsFile, MeasurementJson.Serialize(_measurements));

        // A node whose PCR 4 does not match is not sent anything: the aTLS handshake fails first.
        var tampered = Path.Combine(_nodes.Directory, "tampered.json");
        await File.WriteAllTextAsync(tampered, MeasurementJson.Serialize(_measurements.With(4, new Measurement(Enumerable.Repeat((byte)0x11, 32).ToArray(), false))));
        var refused = await RunAsync("init", "--endpoint", _node.InitAddress, "--variant", "qemu-vtpm", "--measurements", tampered, "--init-secret-file", _nodes.InitSecretFile, "--workspace", Path.Combine(_nodes.Directory, "refused"));
        refused.ExitCode.Should().Be(ExitCodes.Rejected, refused.Error);
        refused.Error.Should().Contain("is not trusted").And.Contain("index 4").And.Contain("Hint:");
        _node.Activation.Activated.IsCompleted.Should().BeFalse();

        // The successful init reads the measurements from a constellation-conf.yaml, as an operator would.
        var config = Path.Combine(_nodes.Directory, "constellation-conf.yaml");
        await File.WriteAllTextAsync(config, ConstellationConfigFile.WithMeasurements(ConstellationConfigFile.Generate(CloudProvider.Qemu, AttestationVariant.QemuVtpm), _measurements));
        var (exitCode, output, error) = await RunAsync("init", "--endpoint", _node.InitAddress, "--config", config, "--init-secret-file", _nodes.InitSecretFile, "--workspace", Path.Combine(_nodes.Directory, "ws"), "--json");
        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        _clusterId = json.RootElement.GetProperty("clusterId").GetString()!;
        (await _node.Activation.Activated.WaitAsync(ClusterNodes.Bound)).Should().Be(NodeRole.ControlPlane);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _nodes.DisposeAsync();

    [Test]
    public async Task Verify_with_the_cluster_id_checks_pcr_15_and_prints_every_pcr_in_a_table()
    {
        var (exitCode, output, error) = await RunAsync("verify", "--endpoint", _node.VerifyGrpcAddress, "--variant", "qemu-vtpm", "--measurements", _measurementsFile, "--cluster-id", _clusterId);

        exitCode.Should().Be(0, error);
        var expected15 = Convert.ToHexStringLower(MeasurementSet.ExtendRegister(new byte[32], Convert.FromHexString(_clusterId)));
        output.Should().Contain(expected15).And.Contain("qemu-vtpm with the cluster ID");
        output.Split('\n').Where(l => l.Contains(" ok ", StringComparison.Ordinal)).Should().HaveCount(16, "PCRs 0-15 are expected and match");
    }

    [Test]
    public async Task Verify_as_json_lists_pcr_15_as_checked()
    {
        var (exitCode, output, error) = await RunAsync("verify", "--endpoint", _node.VerifyGrpcAddress, "--variant", "qemu-vtpm", "--measurements", _measurementsFile, "--cluster-id", _clusterId, "--json");

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("clusterIdChecked").GetBoolean().Should().BeTrue();
        var pcr15 = json.RootElement.GetProperty("measurements").EnumerateArray().Single(m => m.GetProperty("index").GetUInt32() == 15);
        pcr15.GetProperty("status").GetString().Should().Be("ok");
    }

    [Test]
    public async Task Verify_without_the_cluster_id_leaves_pcr_15_unchecked()
    {
        var (exitCode, output, error) = await RunAsync("verify", "--endpoint", _node.VerifyGrpcAddress, "--variant", "qemu-vtpm", "--measurements", _measurementsFile, "--json");

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("clusterIdChecked").GetBoolean().Should().BeFalse();
        var pcr15 = json.RootElement.GetProperty("measurements").EnumerateArray().Single(m => m.GetProperty("index").GetUInt32() == 15);
        pcr15.GetProperty("status").GetString().Should().Be("not checked");
    }

    [Test]
    public async Task Verify_with_another_cluster_id_is_rejected_naming_pcr_15()
    {
        var (exitCode, output, error) = await RunAsync("verify", "--endpoint", _node.VerifyGrpcAddress, "--variant", "qemu-vtpm", "--measurements", _measurementsFile, "--cluster-id", new string('1', 64), "--json");

        exitCode.Should().Be(ExitCodes.Rejected);
        error.Should().Contain("index 15").And.Contain("Hint:");
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("verified").GetBoolean().Should().BeFalse();
    }
}
