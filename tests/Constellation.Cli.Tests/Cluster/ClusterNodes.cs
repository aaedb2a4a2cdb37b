using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.LocalCluster;
using Constellation.Tests.Swtpm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>Fresh bootstrapper nodes in this process for the CLI to talk to; every wait is bounded.</summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly VtpmIssuerOptions NoEventLog = new() { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) };
    private readonly List<IAsyncDisposable> _owned = [];

    private ClusterNodes(string directory) => Directory = directory;

    public string Directory { get; }

    public byte[] InitSecret { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Gets a file holding the init secret as hex, as <c>init --init-secret-file</c> expects.</summary>
    public string InitSecretFile => Path.Combine(Directory, "init-secret");

    public static async Task<ClusterNodes> CreateAsync()
    {
        var nodes = new ClusterNodes(System.IO.Directory.CreateTempSubdirectory("cli-cluster-").FullName);
        await File.WriteAllTextAsync(nodes.InitSecretFile, Convert.ToHexStringLower(nodes.InitSecret));
        return nodes;
    }

    public Task<BootstrapperNode> StartDummyAsync(string name)
    {
        var issuer = new DummyIssuer();
        return StartAsync(name, issuer, new InMemoryClusterIdRegister(), new DummyValidator());
    }

    /// <summary>Starts a qemu-vtpm node on its own swtpm; returns the node and the measurements of the fresh TPM (PCR 0-15).</summary>
    public async Task<(BootstrapperNode Node, MeasurementSet Measurements)> StartQemuVtpmAsync(string name)
    {
        var swtpm = await SwtpmProcess.StartAsync().WaitAsync(Bound);
        _owned.Add(swtpm);
        var tpm = new SharedTpmConnection(async ct => await SwtpmSocketTransport.ConnectAsync(swtpm.Host, swtpm.Port, ct));
        _owned.Add(tpm);
        var issuer = QemuVtpmVariant.CreateIssuer(tpm.OpenAsync, NoEventLog);
        var measurements = await FreshNodeMeasurements.MeasureAsync(issuer).WaitAsync(Bound);
        var node = await StartAsync(name, issuer, new TpmClusterIdRegister(tpm.OpenAsync), QemuVtpmVariant.CreateValidator(measurements));
        return (node, measurements);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().AsTask().WaitAsync(Bound);
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task<BootstrapperNode> StartAsync(string name, IAttestationIssuer issuer, IClusterIdRegister register, IAttestationValidator joinValidator)
    {
        var options = new BootstrapperNodeOptions
        {
            NodeName = name,
            StateDirectory = Path.Combine(Directory, name),
            InitSecretHash = InitSecretHash.Hash(InitSecret, cost: 4),
            JoinRetryInterval = TimeSpan.FromMilliseconds(200),
            MetadataFile = Path.Combine(Directory, "metadata"),
        };
        var node = await BootstrapperNode.StartAsync(
            options, issuer, register, NodeTransports.Attested(issuer, joinValidator),
            new MetadataFileJoinEndpointSource(options.MetadataFile), NullLoggerFactory.Instance, TimeProvider.System).WaitAsync(Bound);
        _owned.Add(node);
        return node;
    }
}
