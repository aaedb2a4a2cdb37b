using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Constellation.Tests.Daemons;
using Constellation.Tests.Swtpm;

namespace Constellation.Bootstrapper.Tests.Cluster;

/// <summary>
/// Real qemu-vtpm nodes for the daemon tests: each node is a <c>constellation-bootstrapper</c> process with a swtpm of
/// its own, its own state directory and LUKS2 image, on a loopback address of its own. Nodes are control planes (the
/// first one initialises the cluster and runs the cluster services as its child); the join policy is the fresh
/// swtpm's PCRs 0 to 15 (all zero, enforced), so a node whose cluster-ID register was extended is no longer admitted.
/// Every process started stays listed until disposal, so a test can scan all of their output.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);
    private readonly List<DaemonProcess> _processes = [];
    private readonly List<TestNode> _nodes = [];
    private readonly int _addressBase;

    private TestCluster(string dir, int addressBase)
    {
        Dir = dir;
        _addressBase = addressBase;
        PolicyFile = Path.Combine(dir, "attestationConfig");
        MeasurementsFile = Path.Combine(dir, "measurements.json");
        MasterSecretFile = Path.Combine(dir, "constellation-mastersecret.json");
    }

    public string Dir { get; }

    public string PolicyFile { get; }

    public string MeasurementsFile { get; }

    public string MasterSecretFile { get; }

    /// <summary>Gets the measurements of a node that is not bootstrapped: PCR 0 to 15 of a fresh swtpm, all zero.</summary>
    public static MeasurementSet Fresh { get; } = new(Enumerable.Range(0, 16).Select(i => KeyValuePair.Create((uint)i, new Measurement(new byte[32], warnOnly: false))));

    public byte[] InitSecret { get; } = RandomNumberGenerator.GetBytes(32);

    public MasterSecret Master { get; } = MasterSecret.Generate();

    public byte[] MeasurementSalt { get; } = RandomNumberGenerator.GetBytes(32);

    public byte[]? ClusterId { get; private set; }

    /// <summary>Gets every process started so far (bootstrappers, the CLI), running or not.</summary>
    public IReadOnlyList<DaemonProcess> Processes => _processes;

    /// <param name="addressBase">The first of the fixture's loopback addresses (distinct per fixture).</param>
    public static async Task<TestCluster> CreateAsync(int addressBase)
    {
        var cluster = new TestCluster(Directory.CreateTempSubdirectory("daemon-cluster-").FullName, addressBase);
        await File.WriteAllBytesAsync(cluster.PolicyFile, AttestationConfigJson.SerializeToUtf8Bytes(new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, Fresh)));
        await File.WriteAllTextAsync(cluster.MeasurementsFile, MeasurementJson.Serialize(Fresh));
        await cluster.Master.WriteFileAsync(cluster.MasterSecretFile);
        return cluster;
    }

    /// <summary>Starts node <paramref name="index"/> (<c>node-&lt;index&gt;</c>) with a fresh swtpm; nodes after the first join the first.</summary>
    public async Task<TestNode> StartNodeAsync(int index)
    {
        var node = new TestNode($"node-{index}", Daemon.Loopback(_addressBase + index), Path.Combine(Dir, $"node-{index}"));
        _nodes.Add(node);
        await StartAsync(node, index == 0 ? [] : [$"{_nodes[0].Address}:30090"]);
        return node;
    }

    /// <summary>Stops the node with SIGTERM (it must exit 0 within the bound) and starts it again on a fresh swtpm: a reboot.</summary>
    public async Task RebootAsync(TestNode node)
    {
        await StopAsync(node);
        await StartAsync(node, node == _nodes[0] ? [] : [$"{_nodes[0].Address}:30090"]);
    }

    /// <summary>SIGTERM; the bootstrapper must exit 0 within <see cref="StopBound"/> and leave no cluster-services child behind.</summary>
    public static async Task StopAsync(TestNode node)
    {
        var daemon = node.Daemon!;
        var child = ReadStatus(node) is { } status && status.TryGetProperty("clusterServicesPid", out var pid) ? pid.GetInt32() : (int?)null;
        var clock = Stopwatch.StartNew();
        (await daemon.StopAsync(StopBound)).Should().Be(0, daemon.Log);
        node.LastStop = clock.Elapsed;
        if (child is { } c)
        {
            DaemonProcess.IsRunning(c).Should().BeFalse($"the cluster services (pid {c}) stop with their bootstrapper");
        }

        await node.Swtpm!.DisposeAsync();
        node.Swtpm = null;
        node.Daemon = null;
    }

    /// <summary>Waits until the node's running process (not the one before a reboot, whose file may still be there) reports the state.</summary>
    public static async Task<JsonElement> WaitForStateAsync(TestNode node, string state)
    {
        var daemon = node.Daemon!;
        return await daemon.WaitForJsonAsync(
            node.StatusPath, s => s.GetProperty("pid").GetInt32() == daemon.Id && s.GetProperty("state").GetString() == state, Bound, $"{node.Name} {state}");
    }

    /// <summary>Initialises the cluster on <paramref name="node"/> over aTLS (the node attested as fresh first).</summary>
    public async Task<InitResult> InitAsync(TestNode node)
    {
        var status = await WaitForStateAsync(node, "awaiting-init");
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [QemuVtpmVariant.CreateValidator(Fresh)] }).CreateChannel(status.GetProperty("initEndpoint").GetString()!);
        var result = await InitClient.InitAsync(channel, Master, MeasurementSalt, InitSecret, "daemons").WaitAsync(Bound);
        ClusterId = result.ClusterId.ToArray();
        return result;
    }

    /// <summary>Verifies the node with a fresh nonce: its PCRs must be the fresh ones with the cluster ID in PCR 15.</summary>
    public async Task<AttestationValidationResult> VerifyAsync(TestNode node)
    {
        var status = ReadStatus(node) ?? throw new InvalidOperationException($"{node.Name} has no status");
        var expected = Fresh.WithClusterId(QemuVtpmVariant.Instance.ClusterIdRegister!.Value, ClusterId ?? throw new InvalidOperationException("not initialised"));
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(status.GetProperty("verifyEndpoint").GetString()!);
        return await VerificationClient.VerifyAsync(channel, QemuVtpmVariant.CreateValidator(expected)).WaitAsync(Bound);
    }

    /// <summary>Runs the CLI to its end.</summary>
    public async Task<DaemonProcess> RunCliAsync(params string[] args)
    {
        var cli = await DaemonProcess.RunAsync(Daemon.Cli, args, Bound);
        _processes.Add(cli);
        return cli;
    }

    /// <summary>The node's LUKS2 UUID as cryptsetup reads it from the image.</summary>
    public static string LuksUuid(TestNode node) => Cryptsetup.Run(["luksUUID", node.DiskImage], ReadOnlySpan<byte>.Empty).Output;

    /// <summary>The disk key the cluster's master secret derives for the node's disk.</summary>
    public byte[] DiskKey(TestNode node) =>
        ClusterKeyDerivation.DeriveDataKey(Master, DataKeyId.StateDisk(StateDiskUuid.Parse(LuksUuid(node))), 32);

    public static JsonElement? ReadStatus(TestNode node)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(node.StatusPath));
            return json.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        foreach (var node in _nodes.Where(n => n.Swtpm is not null))
        {
            await node.Swtpm!.DisposeAsync();
        }

        Directory.Delete(Dir, recursive: true);
    }

    private async Task StartAsync(TestNode node, string[] joinEndpoints)
    {
        node.Swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        string[] args =
        [
            "--variant", "qemu-vtpm", "--tpm", $"swtpm:tcp:{node.Swtpm.Host}:{node.Swtpm.Port}",
            "--state-directory", node.StateDirectory, "--state-disk-size-mib", "24", "--map-state-disk", "false",
            "--node-name", node.Name, "--listen-address", node.Address, "--control-plane",
            "--cluster-services-path", Daemon.ClusterServices, "--attestation-config", PolicyFile,
            "--init-secret-hash", InitSecretHash.Hash(InitSecret, cost: 4), "--retry-interval-seconds", "0.5",
            .. Enumerable.Range(1, 3).SelectMany(i => new[] { "--control-plane-node-names", $"node-{i}" }),
            .. joinEndpoints.SelectMany(e => new[] { "--join-endpoints", e }),
        ];
        node.Daemon = DaemonProcess.Start(Daemon.Bootstrapper, args, name: node.Name);
        _processes.Add(node.Daemon);
    }
}

/// <summary>One node of a <see cref="TestCluster"/>.</summary>
internal sealed class TestNode(string name, string address, string stateDirectory)
{
    public string Name { get; } = name;

    public string Address { get; } = address;

    public string StateDirectory { get; } = stateDirectory;

    public string StatusPath => Path.Combine(StateDirectory, "status.json");

    public string DiskImage => Path.Combine(StateDirectory, "state-disk.img");

    public SwtpmProcess? Swtpm { get; set; }

    public DaemonProcess? Daemon { get; set; }

    public TimeSpan LastStop { get; set; }
}

/// <summary>Debian's cryptsetup, run by the tests themselves to check what the daemons did to the images.</summary>
internal static class Cryptsetup
{
    public static (int ExitCode, string Output) Run(string[] arguments, ReadOnlySpan<byte> input)
    {
        var start = new ProcessStartInfo(SwtpmProcess.FindExecutable("cryptsetup") ?? throw new InvalidOperationException("cryptsetup is not installed; these tests need it"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }

    /// <summary><c>cryptsetup open --test-passphrase</c>: 0 when the key opens a keyslot of the LUKS2 image, 2 when it does not.</summary>
    public static int TestKey(string image, ReadOnlySpan<byte> key) => Run(["open", "--test-passphrase", "--key-file", "-", image], key).ExitCode;
}
