using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.LocalCluster;

/// <summary>
/// One bootstrapper node of the in-process local cluster: a <see cref="BootstrapperHost"/> whose membership is the
/// in-process control plane (<see cref="LocalClusterMembership"/>): after init the node also runs the key and join
/// services in this process. The daemon (<c>constellation-bootstrapper</c>) composes the same host with a membership
/// that runs the cluster services as a child process.
/// </summary>
/// <remarks>Start with <see cref="StartAsync"/>; dispose to stop every endpoint.</remarks>
public sealed class BootstrapperNode : IAsyncDisposable
{
    private readonly BootstrapperHost _host;
    private readonly LocalClusterMembership _cluster;
    private readonly IAsyncDisposable? _diskLifetime;
    private int _disposed;

    private BootstrapperNode(BootstrapperNodeOptions options, BootstrapperHost host, LocalClusterMembership cluster, IAsyncDisposable? diskLifetime)
    {
        Options = options;
        _host = host;
        _cluster = cluster;
        _diskLifetime = diskLifetime;
    }

    /// <summary>Gets the node's settings.</summary>
    public BootstrapperNodeOptions Options { get; }

    /// <summary>Gets the node's activation (lock, disk, role).</summary>
    public NodeActivation Activation => _host.Activation;

    /// <summary>Gets the init server endpoint.</summary>
    /// <exception cref="InvalidOperationException">The init server does not listen: the node is not fresh (its register or its state disk shows an earlier activation).</exception>
    public string InitAddress => _host.InitAddress ?? throw new InvalidOperationException($"node {Options.NodeName}: the init server listens on fresh nodes only");

    /// <summary>Gets the verification service's gRPC endpoint.</summary>
    public string VerifyGrpcAddress => _host.VerifyGrpcAddress;

    /// <summary>Gets the verification service's HTTP endpoint.</summary>
    public string VerifyHttpAddress => _host.VerifyHttpAddress;

    /// <summary>Gets the join service endpoint once this node runs the control plane.</summary>
    public string? JoinServiceAddress => _cluster.JoinServiceAddress;

    /// <summary>Gets the local control plane (CA, key and join services) once this node runs it.</summary>
    public LocalClusterMembership Cluster => _cluster;

    /// <summary>Gets the node's status.</summary>
    public BootstrapperStatus Status => _host.Status;

    /// <summary>Gets the join client's run: <see langword="true"/> if it joined the node, <see langword="false"/> if the lock was taken by init.</summary>
    public Task<bool> JoinClientCompletion => _host.ClientCompletion;

    /// <summary>Starts a node.</summary>
    /// <param name="options">The node's settings.</param>
    /// <param name="issuer">The node's attestation issuer (verification service, init server aTLS, join client aTLS).</param>
    /// <param name="register">The cluster-ID register (PCR 15).</param>
    /// <param name="transports">The endpoints' transports.</param>
    /// <param name="joinEndpoints">Where join services are.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running node.</returns>
    public static async Task<BootstrapperNode> StartAsync(
        BootstrapperNodeOptions options,
        IAttestationIssuer issuer,
        IClusterIdRegister register,
        NodeTransports transports,
        IJoinEndpointSource joinEndpoints,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeName);
        ArgumentException.ThrowIfNullOrEmpty(options.StateDirectory);
        ArgumentException.ThrowIfNullOrEmpty(options.InitSecretHash);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(transports);
        ArgumentNullException.ThrowIfNull(joinEndpoints);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);

        var luks = options.StateDisk is null ? null : await LuksStateDisk.OpenAsync(options.StateDisk, cancellationToken).ConfigureAwait(false);
        IStateDisk disk = (IStateDisk?)luks ?? new InMemoryStateDisk();

        var clusterOptions = new LocalClusterOptions
        {
            StateDirectory = options.StateDirectory,
            NodeName = options.NodeName,
            StateDiskUuid = disk.Uuid,
            ListenAddress = options.ListenAddress,
            JoinServicePort = options.JoinServicePort,
            KeyServicePort = options.KeyServicePort,
            KeyServiceListenAddress = options.KeyServiceListenAddress,
            JoinServiceTransport = transports.JoinService,
            MetadataFile = options.MetadataFile,
        };
        clusterOptions.ControlPlaneNodeNames.UnionWith(options.ControlPlaneNodeNames);
        var cluster = new LocalClusterMembership(clusterOptions, loggerFactory, time);
        var hostOptions = new BootstrapperHostOptions
        {
            NodeName = options.NodeName,
            StateDirectory = options.StateDirectory,
            ListenAddress = options.ListenAddress,
            InitPort = options.InitPort,
            VerifyGrpcPort = options.VerifyGrpcPort,
            VerifyHttpPort = options.VerifyHttpPort,
            RecoveryPort = 0,
            ControlPlane = options.JoinAsControlPlane,
            InitSecretHash = options.InitSecretHash,
            JoinRetryInterval = options.JoinRetryInterval,
            SshHostPublicKey = options.SshHostPublicKey,
        };
        try
        {
            var host = await BootstrapperHost.StartAsync(
                hostOptions, new BootstrapperHostServices(issuer, register, disk, transports, joinEndpoints, cluster, loggerFactory, time), cancellationToken).ConfigureAwait(false);
            return new BootstrapperNode(options, host, cluster, luks);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            if (luks is not null)
            {
                await luks.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: later calls return at once.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _host.DisposeAsync().ConfigureAwait(false);
        await _cluster.DisposeAsync().ConfigureAwait(false);
        if (_diskLifetime is not null)
        {
            await _diskLifetime.DisposeAsync().ConfigureAwait(false);
        }
    }
}
