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
using Constellation.Cluster.Bootstrapper.Recovery;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Bootstrapper;

/// <summary>
/// A rebooted node (fresh cluster-ID register, the same LUKS2 state disk) gets its disk key back with
/// <c>IssueRejoinTicket</c>; a rebooted control-plane node with no join service serves the recovery API, and only the
/// cluster's master secret brings it back. In-process nodes, dummy variant over real aTLS, real LUKS2 images.
/// </summary>
public class RejoinAndRecoveryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly byte[] InitSecret = RandomNumberGenerator.GetBytes(32);
    private static AtlsGrpcChannelFactory CliChannels { get; } = new(new AtlsOptions { Validators = [new DummyValidator()] });
    private readonly List<IAsyncDisposable> _running = [];
    private string _dir = null!;
    private MasterSecret _master = null!;
    private byte[] _clusterId = null!;
    private BootstrapperNode _first = null!;

    [SetUp]
    public async Task InitAFirstNode()
    {
        _dir = Directory.CreateTempSubdirectory("hosts-reboot-").FullName;
        _first = await StartAsync("node-0", new InMemoryClusterIdRegister(), controlPlaneNames: ["node-1"]);
        _master = MasterSecret.Generate();
        using var channel = CliChannels.CreateChannel(_first.InitAddress);
        _clusterId = (await InitClient.InitAsync(channel, _master, RandomNumberGenerator.GetBytes(32), InitSecret, "reboot").WaitAsync(Bound)).ClusterId.ToArray();
    }

    [TearDown]
    public async Task Stop()
    {
        foreach (var node in Enumerable.Reverse(_running))
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task A_rebooted_worker_rejoins_with_the_same_disk_key_and_cluster_id()
    {
        var worker = await StartAsync("node-1", new InMemoryClusterIdRegister());
        await worker.Activation.Activated.WaitAsync(Bound);
        var uuid = worker.Activation.Disk.Uuid;
        await StopAsync(worker);

        var register = new InMemoryClusterIdRegister();
        var rebooted = await StartAsync("node-1", register);

        rebooted.Status.State.Should().Be(BootstrapperState.Rejoining);
        (await rebooted.Activation.Activated.WaitAsync(Bound)).Should().Be(NodeRole.Worker);
        (await rebooted.JoinClientCompletion.WaitAsync(Bound)).Should().BeTrue("the rejoin client brought it back");
        await WaitForAsync(rebooted, BootstrapperState.Joined);
        rebooted.Activation.Disk.Uuid.Should().Be(uuid);
        register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], _clusterId));
        CryptsetupTestPassphrase(DiskImage("node-1"), DataKeys.Disk(_master, uuid)).Should().Be(0, "the disk opens with DEK(uuid) of the cluster's master secret");
        Assert.Throws<InvalidOperationException>(() => _ = rebooted.InitAddress, "a rebooted node serves no init");
        rebooted.Status.RecoveryEndpoint.Should().BeNull("workers run no recovery server");
    }

    [Test]
    public async Task A_rebooted_control_plane_without_a_join_service_waits_for_recovery_and_only_the_master_secret_brings_it_back()
    {
        var controlPlane = await StartAsync("node-1", new InMemoryClusterIdRegister(), joinAsControlPlane: true);
        (await controlPlane.Activation.Activated.WaitAsync(Bound)).Should().Be(NodeRole.ControlPlane);
        await StopAsync(controlPlane);
        await StopAsync(_first);

        var register = new InMemoryClusterIdRegister();
        var rebooted = await StartAsync("node-1", register, joinAsControlPlane: true);
        await WaitForAsync(rebooted, BootstrapperState.Recovering);
        var recovery = rebooted.Status.RecoveryEndpoint!;

        using (var channel = CliChannels.CreateChannel(recovery))
        {
            var wrong = async () => await RecoveryClient.RecoverAsync(channel, MasterSecret.Generate()).WaitAsync(Bound);
            (await wrong.Should().ThrowAsync<RecoveryFailedException>()).Which.Status.Should().Be(StatusCode.PermissionDenied);
            register.Value.Should().OnlyContain(b => b == 0, "a wrong master secret changes nothing");
            rebooted.Activation.Lock.IsLocked.Should().BeFalse();

            await RecoveryClient.RecoverAsync(channel, _master).WaitAsync(Bound);
        }

        (await rebooted.Activation.Activated.WaitAsync(Bound)).Should().Be(NodeRole.ControlPlane);
        await WaitForAsync(rebooted, BootstrapperState.Joined);
        register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], _clusterId));
        rebooted.Status.ClusterId!.Value.ToArray().Should().Equal(_clusterId);
        rebooted.Status.RecoveryEndpoint.Should().BeNull("the first success closes the recovery server");
        using var again = CliChannels.CreateChannel(recovery);
        var late = async () => await RecoveryClient.RecoverAsync(again, _master).WaitAsync(Bound);
        (await late.Should().ThrowAsync<RecoveryFailedException>()).Which.Status.Should().Be(StatusCode.Unavailable);
    }

    [Test]
    public async Task A_recover_call_with_a_malformed_kms_uri_is_invalid_argument_and_never_echoes_it()
    {
        var controlPlane = await StartAsync("node-1", new InMemoryClusterIdRegister(), joinAsControlPlane: true);
        await controlPlane.Activation.Activated.WaitAsync(Bound);
        await StopAsync(controlPlane);
        await StopAsync(_first);
        var rebooted = await StartAsync("node-1", new InMemoryClusterIdRegister(), joinAsControlPlane: true);
        await WaitForAsync(rebooted, BootstrapperState.Recovering);

        using var channel = CliChannels.CreateChannel(rebooted.Status.RecoveryEndpoint!);
        var client = new Constellation.Cluster.Protos.Recover.API.APIClient(channel);
        var bad = async () => await client.RecoverAsync(new Constellation.Cluster.Protos.Recover.RecoverMessage { KmsUri = "kms://cluster-kms?key=c2VjcmV0LXNlY3JldC1zZWNyZXQ=", StorageUri = InitApi.NoStoreUri });
        var error = (await bad.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("kms_uri").And.NotContain("c2VjcmV0");

        var otherStore = async () => await client.RecoverAsync(new Constellation.Cluster.Protos.Recover.RecoverMessage { KmsUri = _master.ToKmsUri(), StorageUri = "storage://elsewhere" });
        (await otherStore.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
        rebooted.Activation.Lock.IsLocked.Should().BeFalse();
    }

    [Test]
    public async Task A_node_whose_register_is_already_extended_serves_neither_init_nor_join()
    {
        var register = new InMemoryClusterIdRegister();
        await register.ExtendAsync(RandomNumberGenerator.GetBytes(32));

        var node = await StartAsync("node-9", register);

        node.Status.State.Should().Be(BootstrapperState.Failed);
        node.Status.Error.Should().Contain("register 15").And.Contain("extended");
        Assert.Throws<InvalidOperationException>(() => _ = node.InitAddress);
        (await node.JoinClientCompletion).Should().BeFalse();
    }

    private async Task<BootstrapperNode> StartAsync(string name, InMemoryClusterIdRegister register, bool joinAsControlPlane = false, string[]? controlPlaneNames = null)
    {
        var directory = Path.Combine(_dir, name);
        Directory.CreateDirectory(directory);
        StateDiskImage.CreateIfMissing(DiskImage(name), StateDiskImage.MinimumSizeMiB);
        var options = new BootstrapperNodeOptions
        {
            NodeName = name,
            StateDirectory = directory,
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            JoinAsControlPlane = joinAsControlPlane,
            MetadataFile = Path.Combine(_dir, "metadata"),
            StateDisk = new LuksStateDiskOptions { DevicePath = DiskImage(name), MapAfterUnlock = false },
        };
        foreach (var admitted in controlPlaneNames ?? [])
        {
            options.ControlPlaneNodeNames.Add(admitted);
        }

        var node = await BootstrapperNode.StartAsync(
            options, new DummyIssuer(), register, NodeTransports.Attested(new DummyIssuer(), new DummyValidator()),
            new MetadataFileJoinEndpointSource(options.MetadataFile), NullLoggerFactory.Instance, TimeProvider.System).WaitAsync(Bound);
        _running.Add(node);
        return node;
    }

    private async Task StopAsync(BootstrapperNode node)
    {
        await node.DisposeAsync();
        _running.Remove(node);
    }

    private string DiskImage(string name) => Path.Combine(_dir, name + ".img");

    private static async Task WaitForAsync(BootstrapperNode node, BootstrapperState state)
    {
        var deadline = Stopwatch.StartNew();
        while (node.Status.State != state)
        {
            deadline.Elapsed.Should().BeLessThan(Bound, $"{node.Options.NodeName} reaches {state} (now {node.Status.State}: {node.Status.Error})");
            await Task.Delay(50);
        }
    }

    private static int CryptsetupTestPassphrase(string image, byte[] key)
    {
        var start = new ProcessStartInfo("cryptsetup") { RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "open", "--test-passphrase", "--key-file", "-", image })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(key);
        process.StandardInput.Close();
        process.WaitForExit();
        return process.ExitCode;
    }
}
