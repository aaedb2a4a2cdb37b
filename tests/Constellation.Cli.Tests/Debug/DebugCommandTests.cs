using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Debugd;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Tests.Debugd;
using Constellation.Tests.Swtpm;

namespace Constellation.Cli.Tests.Debug;

/// <summary>
/// <c>constellation debug deploy</c> and <c>debug logs</c> (the published binary) against a debugd in this process
/// that attests as a qemu-vtpm node on a real swtpm: the CLI attests the node with the given measurements and presents
/// the debug key; a node with other measurements is refused naming the PCR, and another key is refused by the node;
/// in both cases nothing is replaced.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "NUnit disposes the fixture's TPM in OneTimeTearDown.")]
public class DebugCommandTests
{
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };
    private SwtpmProcess _swtpm = null!;
    private SharedTpmConnection _tpm = null!;
    private IAttestationIssuer _issuer = null!;
    private MeasurementSet _measurements = null!;
    private DebugdNode _node = null!;
    private string _measurementsFile = null!;

    [OneTimeSetUp]
    public async Task StartTpmAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync().WaitAsync(DebugdNode.Bound);
        _tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(_swtpm.Host, _swtpm.Port, ct));
        _issuer = QemuVtpmVariant.CreateIssuer(_tpm.OpenAsync, NoEventLog);
        _measurements = await FreshNodeMeasurements.MeasureAsync(_issuer).WaitAsync(DebugdNode.Bound);
    }

    [OneTimeTearDown]
    public async Task StopTpmAsync()
    {
        (_issuer as IDisposable)?.Dispose();
        await _tpm.DisposeAsync();
        await _swtpm.DisposeAsync();
    }

    [SetUp]
    public async Task StartNodeAsync()
    {
        _node = await DebugdNode.StartAsync(_issuer);
        _measurementsFile = Path.Combine(_node.Directory, "measurements.json");
        await File.WriteAllTextAsync(_measurementsFile, MeasurementJson.Serialize(_measurements));
    }

    [TearDown]
    public async Task StopNodeAsync() => await _node.DisposeAsync();

    [Test]
    public async Task A_node_whose_pcr_does_not_match_the_measurements_is_refused_naming_the_pcr_and_gets_nothing()
    {
        var tampered = Path.Combine(_node.Directory, "tampered.json");
        await File.WriteAllTextAsync(tampered, MeasurementJson.Serialize(_measurements.With(4, new Measurement(Enumerable.Repeat((byte)0x44, 32).ToArray(), warnOnly: false))));
        var before = _node.Host.Status;

        var (exitCode, _, error) = await DeployAsync(NewBuild("v2"), _node.DeveloperKeyPath, tampered);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("is not attested").And.Contain("index 4").And.Contain("Nothing was sent");
        (await File.ReadAllBytesAsync(_node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v1"));
        _node.Host.Status.Should().BeEquivalentTo(before);
    }

    [Test]
    public async Task A_key_the_node_does_not_authorize_is_refused_naming_its_fingerprint_and_nothing_is_replaced()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKey = Path.Combine(_node.Directory, "other-key.pem");
        await File.WriteAllTextAsync(otherKey, other.ExportPkcs8PrivateKeyPem());
        var before = _node.Host.Status;

        var (exitCode, _, error) = await DeployAsync(NewBuild("v2"), otherKey, _measurementsFile);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("does not authorize the debug key " + DebugKeyFingerprint.Of(other.ExportSubjectPublicKeyInfo()));
        (await File.ReadAllBytesAsync(_node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v1"));
        _node.Host.Status.Should().BeEquivalentTo(before);
    }

    [Test]
    public async Task Deploy_replaces_the_bootstrapper_of_an_attested_node_and_the_logs_show_the_new_build()
    {
        var before = _node.Host.Status;
        var build = NewBuild("v2");

        var (exitCode, output, error) = await DeployAsync(build, _node.DeveloperKeyPath, _measurementsFile);

        exitCode.Should().Be(ExitCodes.Success, error);
        var after = _node.Host.Status;
        after.ProcessId.Should().NotBeNull().And.NotBe(before.ProcessId);
        after.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(build))));
        output.Should().Contain($"bootstrapper sha256 {before.Sha256} -> {after.Sha256}, running as pid {after.ProcessId}");
        (await File.ReadAllBytesAsync(_node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v2"));

        // The new build's first line may take a moment to be read from its pipe.
        var logs = await LogsUntilAsync("bootstrapper v2 running");
        logs.IndexOf("bootstrapper v1 running", StringComparison.Ordinal).Should().BeLessThan(logs.IndexOf("bootstrapper v2 running", StringComparison.Ordinal), "the kept lines are in order: the old build, then the new one");
    }

    [Test]
    public async Task Logs_refuse_a_node_with_other_measurements()
    {
        var tampered = Path.Combine(_node.Directory, "tampered.json");
        await File.WriteAllTextAsync(tampered, MeasurementJson.Serialize(_measurements.With(9, new Measurement(Enumerable.Repeat((byte)0x99, 32).ToArray(), warnOnly: false))));

        var (exitCode, output, error) = await CliRunner.RunAsync(
            "debug", "logs", "--node", _node.Host.Address, "--key", _node.DeveloperKeyPath, "--variant", "qemu-vtpm", "--measurements", tampered).WaitAsync(DebugdNode.Bound);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("is not attested").And.Contain("index 9");
        output.Should().BeEmpty();
    }

    [Test]
    public async Task A_node_nobody_listens_on_is_named_as_unreachable()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closed = $"127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "debug", "deploy", "--node", closed, "--bootstrapper", NewBuild("v2"), "--key", _node.DeveloperKeyPath, "--variant", "qemu-vtpm", "--measurements", _measurementsFile)
            .WaitAsync(DebugdNode.Bound);

        exitCode.Should().Be(ExitCodes.UnusableInput, error);
        error.Should().Contain($"cannot reach debugd at {closed}").And.Contain("--node");
    }

    private string NewBuild(string version)
    {
        var path = Path.Combine(_node.Directory, "build-" + version);
        File.WriteAllBytes(path, DebugdNode.Bootstrapper(version));
        return path;
    }

    private Task<(int ExitCode, string Output, string Error)> DeployAsync(string build, string key, string measurements) =>
        CliRunner.RunAsync(
            "debug", "deploy", "--node", _node.Host.Address, "--bootstrapper", build, "--key", key, "--variant", "qemu-vtpm", "--measurements", measurements).WaitAsync(DebugdNode.Bound);

    private async Task<string> LogsUntilAsync(string text)
    {
        using var timeout = new CancellationTokenSource(DebugdNode.Bound);
        while (true)
        {
            var (exitCode, output, error) = await CliRunner.RunAsync(
                "debug", "logs", "--node", _node.Host.Address, "--key", _node.DeveloperKeyPath, "--variant", "qemu-vtpm", "--measurements", _measurementsFile).WaitAsync(DebugdNode.Bound);
            exitCode.Should().Be(ExitCodes.Success, error);
            if (output.Contains(text, StringComparison.Ordinal))
            {
                return output;
            }

            await Task.Delay(200, timeout.Token);
        }
    }
}
