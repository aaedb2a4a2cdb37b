using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Store;
using Constellation.Cluster.Transport;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// Cluster-services replicas on one cluster store, as on the control-plane nodes: each runs from its own state directory
/// holding the same master secret and cluster CA (the first created by <see cref="ClusterServicesState.CreateAsync"/>,
/// the others copies of its files), keeps the node registry on the store, and serves the join service over
/// client-attested aTLS with the dummy validator on a loopback port. The init node's binding is on the store before any
/// replica serves. Dispose stops every replica and deletes the directories.
/// </summary>
/// <remarks>Shared by the store tests and the join benchmarks (linked there): no test framework in here.</remarks>
internal sealed class StoreReplicas : IAsyncDisposable
{
    /// <summary>The init node's name, bound on the store before the replicas start.</summary>
    public const string InitNodeName = "cp-0";

    private static readonly string[] SharedFiles = [ClusterServicesState.MasterSecretFileName, ClusterServicesState.CaCertificateFileName, ClusterServicesState.CaKeyFileName];
    private readonly IReadOnlyList<IClusterStore> _stores;
    private readonly ClusterServicesHost?[] _hosts;
    private readonly ILoggerFactory _loggers;

    private StoreReplicas(string directory, IReadOnlyList<IClusterStore> stores, ILoggerFactory loggers)
    {
        Directory = directory;
        _stores = stores;
        _hosts = new ClusterServicesHost?[stores.Count];
        _loggers = loggers;
    }

    /// <summary>Gets the directory holding every replica's state directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the init node's state disk (bound to <see cref="InitNodeName"/> on the store).</summary>
    public StateDiskUuid InitDisk { get; } = StateDiskUuid.NewRandom();

    /// <summary>Gets the cluster's measurement salt (every replica's).</summary>
    public byte[] MeasurementSalt { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Gets the cluster ID every joined node must be locked to (from the master secret and the salt).</summary>
    public byte[] ClusterId { get; private set; } = [];

    /// <summary>Gets the cluster CA certificate every kubelet certificate must chain to.</summary>
    public X509Certificate2 CaCertificate { get; private set; } = null!;

    /// <summary>Gets the join endpoint of every replica, <see langword="null"/> for a stopped one.</summary>
    public IReadOnlyList<string?> JoinEndpoints => [.. _hosts.Select(h => h?.JoinServiceAddress)];

    /// <summary>The aTLS client a joining node with the dummy issuer uses (it does not verify the join service).</summary>
    public static AtlsGrpcChannelFactory JoinChannels { get; } = new(new AtlsOptions { Issuer = new DummyIssuer(), AllowUnverifiedPeer = true });

    /// <summary>Creates the state, binds the init node on the store, and starts one replica per store client in <paramref name="stores"/>.</summary>
    /// <param name="stores">One store client per replica (the fixture owns and disposes them).</param>
    /// <param name="loggers">Where the replicas log.</param>
    public static async Task<StoreReplicas> StartAsync(IReadOnlyList<IClusterStore> stores, ILoggerFactory loggers)
    {
        var replicas = new StoreReplicas(System.IO.Directory.CreateTempSubdirectory("store-replicas-").FullName, stores, loggers);
        try
        {
            await replicas.CreateStateAsync();
            for (var i = 0; i < stores.Count; i++)
            {
                await replicas.StartAsync(i);
            }

            return replicas;
        }
        catch
        {
            await replicas.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks <paramref name="endpoint"/> for a join ticket for <paramref name="nodeName"/> on <paramref name="disk"/>, on a fresh aTLS connection.</summary>
    public static async Task<IssueJoinTicketResponse> RequestTicketAsync(string endpoint, string nodeName, StateDiskUuid disk, CancellationToken cancellationToken)
    {
        using var channel = JoinChannels.CreateChannel(endpoint);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN={KubeletCsr.NodeCommonNamePrefix}{nodeName}, O={KubeletCsr.NodesOrganization}", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var request = new IssueJoinTicketRequest { DiskUuid = disk.Value, CertificateRequest = ByteString.CopyFrom(csr) };
        return await new API.APIClient(channel).IssueJoinTicketAsync(request, cancellationToken: cancellationToken);
    }

    /// <summary>Starts replica <paramref name="index"/> (again) from its state directory on a fresh loopback port.</summary>
    public async Task StartAsync(int index)
    {
        if (_hosts[index] is not null)
        {
            throw new InvalidOperationException($"replica {index}: expected it stopped, got it running");
        }

        var options = new ClusterServicesOptions
        {
            StateDirectory = StateDirectory(index),
            ListenAddress = IPAddress.Loopback,
            JoinServicePort = 0,
            MeasurementSalt = MeasurementSalt,
        };
        _hosts[index] = await ClusterServicesHost.StartAsync(
            options,
            new AtlsServerTransport(new AtlsOptions { Validators = [new DummyValidator()] }),
            admin: null,
            new ClusterServicesBackends(new StoreNodeNameRegistry(_stores[index]), VpnPeers: null, new StoreBootstrapTokens(_stores[index])),
            _loggers,
            TimeProvider.System);
    }

    /// <summary>Stops replica <paramref name="index"/> (its state directory stays).</summary>
    public async Task StopAsync(int index)
    {
        if (_hosts[index] is { } host)
        {
            _hosts[index] = null;
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _hosts.Length; i++)
        {
            await StopAsync(i);
        }

        CaCertificate?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string StateDirectory(int index) => Path.Combine(Directory, $"replica-{index}");

    private async Task CreateStateAsync()
    {
        var master = MasterSecret.Generate();
        using (var ca = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow))
        {
            await ClusterServicesState.CreateAsync(StateDirectory(0), master, ca, InitNodeName, InitDisk);
            CaCertificate = ca.Certificate;
        }

        for (var i = 1; i < _stores.Count; i++)
        {
            System.IO.Directory.CreateDirectory(StateDirectory(i));
            foreach (var file in SharedFiles)
            {
                File.Copy(Path.Combine(StateDirectory(0), file), Path.Combine(StateDirectory(i), file));
            }
        }

        var measurementSecret = ClusterKeyDerivation.DeriveDataKey(master, DataKeyId.MeasurementSecret, ClusterKeyDerivation.KeyLength);
        ClusterId = ClusterKeyDerivation.DeriveClusterId(measurementSecret, MeasurementSalt);
        CryptographicOperations.ZeroMemory(measurementSecret);

        // What init does on the store: the first control plane's own binding, before any joining node is served.
        await new StoreNodeNameRegistry(_stores[0]).ClaimAsync(InitNodeName, InitDisk, CancellationToken.None);
    }
}
