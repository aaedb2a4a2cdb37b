using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.LocalCluster;

/// <summary>
/// One bootstrapper node: the init server and the join client run in parallel and race for the node lock; the
/// verification service answers attestation requests throughout. After init the node also runs the key and join services.
/// </summary>
/// <remarks>Start with <see cref="StartAsync"/>; dispose to stop every endpoint.</remarks>
public sealed partial class BootstrapperNode : IAsyncDisposable
{
    private int _disposed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ServiceHost _initServer;
    private readonly ServiceHost _verifyGrpc;
    private readonly ServiceHost _verifyHttp;
    private readonly LocalClusterMembership _cluster;
    private readonly IDisposable? _diskLifetime;

    private BootstrapperNode(
        BootstrapperNodeOptions options, NodeActivation activation, LocalClusterMembership cluster, ServiceHost initServer, ServiceHost verifyGrpc, ServiceHost verifyHttp, IDisposable? diskLifetime)
    {
        Options = options;
        Activation = activation;
        _cluster = cluster;
        _initServer = initServer;
        _verifyGrpc = verifyGrpc;
        _verifyHttp = verifyHttp;
        _diskLifetime = diskLifetime;
        JoinClientCompletion = Task.FromResult(false);
    }

    /// <summary>Gets the node's settings.</summary>
    public BootstrapperNodeOptions Options { get; }

    /// <summary>Gets the node's activation (lock, disk, role).</summary>
    public NodeActivation Activation { get; }

    /// <summary>Gets the init server endpoint.</summary>
    public string InitAddress => _initServer.Address;

    /// <summary>Gets the verification service's gRPC endpoint.</summary>
    public string VerifyGrpcAddress => _verifyGrpc.Address;

    /// <summary>Gets the verification service's HTTP endpoint.</summary>
    public string VerifyHttpAddress => _verifyHttp.Address;

    /// <summary>Gets the join service endpoint once this node runs the control plane.</summary>
    public string? JoinServiceAddress => _cluster.JoinServiceAddress;

    /// <summary>Gets the local control plane (CA, key and join services) once this node runs it.</summary>
    public LocalClusterMembership Cluster => _cluster;

    /// <summary>Gets the join client's run: <see langword="true"/> if it joined the node, <see langword="false"/> if the lock was taken by init.</summary>
    public Task<bool> JoinClientCompletion { get; private set; }

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

        IStateDisk disk;
        IDisposable? diskLifetime = null;
        if (options.StateDisk is null)
        {
            disk = new InMemoryStateDisk();
        }
        else
        {
            var luks = await LuksStateDisk.OpenAsync(options.StateDisk, cancellationToken).ConfigureAwait(false);
            disk = luks;
            diskLifetime = luks;
        }

        var nodeLock = new Bootstrapper.NodeLock.NodeLock(register);
        var alreadyBootstrapped = await nodeLock.LockIfAlreadyBootstrappedAsync(cancellationToken).ConfigureAwait(false);
        var activation = new NodeActivation(nodeLock, disk, options.StateDirectory);
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
        var cluster = new LocalClusterMembership(
            clusterOptions,
            loggerFactory,
            time);
        var verification = new VerificationService(issuer);

        var initServer = await ServiceHost.StartAsync(
            new IPEndPoint(options.ListenAddress, options.InitPort),
            transports.InitServer,
            loggerFactory,
            services => services.AddSingleton(new InitApi(activation, cluster, options.InitSecretHash, loggerFactory.CreateLogger<InitApi>())),
            app => app.MapGrpcService<InitApi>(),
            cancellationToken).ConfigureAwait(false);
        var verifyGrpc = await ServiceHost.StartAsync(
            new IPEndPoint(options.ListenAddress, options.VerifyGrpcPort),
            PlainHttp2Transport.Instance,
            loggerFactory,
            services => services.AddSingleton(verification),
            app => app.MapGrpcService<VerificationServiceApi>(),
            cancellationToken).ConfigureAwait(false);
        var verifyHttp = await ServiceHost.StartAsync(
            new IPEndPoint(options.ListenAddress, options.VerifyHttpPort),
            PlainHttp1Transport.Instance,
            loggerFactory,
            services => services.AddSingleton(verification),
            app => app.Run(context => VerificationHttpEndpoint.HandleAsync(context, context.RequestServices.GetRequiredService<VerificationService>())),
            cancellationToken).ConfigureAwait(false);

        var node = new BootstrapperNode(options, activation, cluster, initServer, verifyGrpc, verifyHttp, diskLifetime);
        var logger = loggerFactory.CreateLogger<BootstrapperNode>();
        if (alreadyBootstrapped)
        {
            LogAlreadyBootstrapped(logger, options.NodeName, register.Index);
        }
        else
        {
            var joinClient = new JoinClient(
                new JoinClientOptions
                {
                    NodeName = options.NodeName,
                    IsControlPlane = options.JoinAsControlPlane,
                    RetryInterval = options.JoinRetryInterval,
                    NodeAddresses = [options.ListenAddress],
                    SshHostPublicKey = options.SshHostPublicKey,
                    SshDirectory = System.IO.Path.Combine(options.StateDirectory, "ssh"),
                },
                joinEndpoints,
                transports.JoinClient,
                activation,
                cluster,
                loggerFactory.CreateLogger<JoinClient>());
            node.JoinClientCompletion = Task.Run(() => joinClient.RunAsync(node._stopping.Token), CancellationToken.None);
        }

        return node;
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: later calls return at once.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await JoinClientCompletion.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping cancels a join client that is still waiting for a control plane.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The failure was already surfaced through Activation/JoinClientCompletion; disposal must still stop everything.
        }

        await _initServer.DisposeAsync().ConfigureAwait(false);
        await _verifyGrpc.DisposeAsync().ConfigureAwait(false);
        await _verifyHttp.DisposeAsync().ConfigureAwait(false);
        await _cluster.DisposeAsync().ConfigureAwait(false);
        _diskLifetime?.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {NodeName}: register {Index} is already extended; the node was bootstrapped and will neither init nor join")]
    private static partial void LogAlreadyBootstrapped(ILogger logger, string nodeName, uint index);
}
