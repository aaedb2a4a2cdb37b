using System.Diagnostics;
using System.Security.Cryptography;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Bootstrapper;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// <c>constellation recover</c> against a rebooted control-plane node (in-process, dummy variant over real aTLS, real
/// LUKS2 image) whose join service is gone: it attests the node before anything is sent, and only the cluster's master
/// secret brings the node back.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class RecoverCommandTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);
    private readonly List<BootstrapperNode> _running = [];
    private string _dir = null!;
    private string _masterSecretFile = null!;
    private BootstrapperNode _rebooted = null!;
    private InMemoryClusterIdRegister _register = null!;
    private byte[] _clusterId = null!;

    [SetUp]
    public async Task RebootAControlPlaneWhoseJoinServiceIsGone()
    {
        _dir = Directory.CreateTempSubdirectory("cli-recover-").FullName;
        var first = await StartAsync("cp-0", new InMemoryClusterIdRegister(), admit: "cp-1");
        var master = MasterSecret.Generate();
        _masterSecretFile = Path.Combine(_dir, "constellation-mastersecret.json");
        await master.WriteFileAsync(_masterSecretFile);
        using (var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [new DummyValidator()] }).CreateChannel(first.InitAddress))
        {
            _clusterId = (await InitClient.InitAsync(channel, master, RandomNumberGenerator.GetBytes(32), InitSecret, "recover").WaitAsync(Bound)).ClusterId.ToArray();
        }

        var second = await StartAsync("cp-1", new InMemoryClusterIdRegister(), joinAsControlPlane: true);
        await second.Activation.Activated.WaitAsync(Bound);
        foreach (var node in _running.ToList())
        {
            await node.DisposeAsync();
        }

        _running.Clear();
        _register = new InMemoryClusterIdRegister();
        _rebooted = await StartAsync("cp-1", _register, joinAsControlPlane: true);
        var waited = Stopwatch.StartNew();
        while (_rebooted.Status.State != BootstrapperState.Recovering)
        {
            waited.Elapsed.Should().BeLessThan(Bound);
            await Task.Delay(50);
        }
    }

    [TearDown]
    public async Task Stop()
    {
        foreach (var node in _running)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private string Endpoint => _rebooted.Status.RecoveryEndpoint!;

    [Test]
    public async Task The_master_secret_of_the_cluster_brings_the_node_back()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("recover", "--endpoint", Endpoint, "--variant", "dummy", "--master-secret", _masterSecretFile).WaitAsync(Bound);

        exitCode.Should().Be(ExitCodes.Success, error);
        output.Should().Contain("Recovered");
        (await _rebooted.Activation.Activated.WaitAsync(Bound)).Should().Be(NodeRole.ControlPlane);
        _register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], _clusterId));
    }

    [Test]
    public async Task Another_master_secret_is_refused_with_one_line_and_changes_nothing()
    {
        var other = Path.Combine(_dir, "other.json");
        await MasterSecret.Generate().WriteFileAsync(other);

        var (exitCode, _, error) = await CliRunner.RunAsync("recover", "--endpoint", Endpoint, "--variant", "dummy", "--master-secret", other).WaitAsync(Bound);

        exitCode.Should().Be(ExitCodes.Rejected);
        error.Trim().Split('\n').Should().ContainSingle();
        error.Should().Contain("refused").And.Contain("Hint:");
        _rebooted.Activation.Lock.IsLocked.Should().BeFalse();
        _rebooted.Status.State.Should().Be(BootstrapperState.Recovering);
    }

    [Test]
    public async Task A_node_that_does_not_attest_as_expected_gets_nothing()
    {
        var measurements = Path.Combine(_dir, "measurements.json");
        await File.WriteAllTextAsync(measurements, "{\"15\":{\"expected\":\"" + new string('0', 64) + "\",\"warnOnly\":false}}");

        var (exitCode, _, error) = await CliRunner.RunAsync("recover", "--endpoint", Endpoint, "--variant", "qemu-vtpm", "--measurements", measurements, "--master-secret", _masterSecretFile).WaitAsync(Bound);

        exitCode.Should().Be(ExitCodes.Rejected, error);
        error.Should().Contain("not trusted").And.Contain("nothing was sent");
        _rebooted.Activation.Lock.IsLocked.Should().BeFalse();
    }

    [Test]
    public async Task An_unreachable_node_and_an_unusable_secret_file_are_unusable_input()
    {
        var unreachable = await CliRunner.RunAsync("recover", "--endpoint", "127.0.0.1:1", "--variant", "dummy", "--master-secret", _masterSecretFile).WaitAsync(Bound);
        var missing = await CliRunner.RunAsync("recover", "--endpoint", Endpoint, "--variant", "dummy", "--master-secret", Path.Combine(_dir, "missing.json")).WaitAsync(Bound);
        var notASecret = Path.Combine(_dir, "not-a-secret.json");
        await File.WriteAllTextAsync(notASecret, "{}");
        var malformed = await CliRunner.RunAsync("recover", "--endpoint", Endpoint, "--variant", "dummy", "--master-secret", notASecret).WaitAsync(Bound);

        unreachable.ExitCode.Should().Be(ExitCodes.UnusableInput, unreachable.Error);
        unreachable.Error.Should().Contain("cannot reach");
        missing.ExitCode.Should().Be(ExitCodes.UnusableInput, missing.Error);
        malformed.ExitCode.Should().Be(ExitCodes.UnusableInput, malformed.Error);
        malformed.Error.Should().Contain("not a master secret file");
        _rebooted.Activation.Lock.IsLocked.Should().BeFalse();
    }

    private async Task<BootstrapperNode> StartAsync(string name, InMemoryClusterIdRegister register, bool joinAsControlPlane = false, string? admit = null)
    {
        var image = Path.Combine(_dir, name + ".img");
        StateDiskImage.CreateIfMissing(image, StateDiskImage.MinimumSizeMiB);
        var options = new BootstrapperNodeOptions
        {
            NodeName = name,
            StateDirectory = Path.Combine(_dir, name),
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            JoinAsControlPlane = joinAsControlPlane,
            MetadataFile = Path.Combine(_dir, "metadata"),
            StateDisk = new LuksStateDiskOptions { DevicePath = image, MapAfterUnlock = false },
        };
        if (admit is not null)
        {
            options.ControlPlaneNodeNames.Add(admit);
        }

        var node = await BootstrapperNode.StartAsync(
            options, new DummyIssuer(), register, NodeTransports.Attested(new DummyIssuer(), new DummyValidator()),
            new MetadataFileJoinEndpointSource(options.MetadataFile), NullLoggerFactory.Instance, TimeProvider.System).WaitAsync(Bound);
        _running.Add(node);
        return node;
    }
}
