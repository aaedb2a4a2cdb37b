using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.Recovery;
using Constellation.Cluster.Bootstrapper.Rejoin;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper;

/// <summary>
/// A bootstrapper node, as Constellation's disk-mapper and bootstrapper run on every node. At start it decides what
/// the node is:
/// <list type="bullet">
/// <item>its cluster-ID register is already extended: it was bootstrapped since its TPM was reset; it serves neither
/// init nor join (spec) and reports <see cref="BootstrapperState.Failed"/> with the reason;</item>
/// <item>its state disk carries a LUKS2 header: a reboot; the rejoin client asks the join endpoints for the disk key and,
/// on control-plane nodes, the recovery server (<c>/recoverproto.API/Recover</c>) listens in parallel; the first key
/// that unlocks the disk wins, then the node resumes what it ran (<see cref="IClusterMembership.ResumeAsync"/>);</item>
/// <item>else a fresh node: the init server and the join client race for the one-way node lock.</item>
/// </list>
/// The verification service (gRPC and HTTP) answers throughout: it attests the node itself.
/// </summary>
/// <remarks>Start with <see cref="StartAsync"/>; dispose to stop gracefully (stops accepting, lets running calls finish, stops the clients).</remarks>
public sealed partial class BootstrapperHost : IAsyncDisposable
{
    private readonly BootstrapperHostOptions _options;
    private readonly BootstrapperHostServices _services;
    private readonly ActivationMembership _membership;
    private readonly ILogger<BootstrapperHost> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _statusGate = new();
    private BootstrapperStatus _status;
    private ServiceHost? _initServer;
    private ServiceHost? _recoveryServer;
    private ServiceHost? _verifyGrpc;
    private ServiceHost? _verifyHttp;
    private Task _lifecycle = Task.CompletedTask;
    private int _disposed;

    private BootstrapperHost(BootstrapperHostOptions options, BootstrapperHostServices services, NodeActivation activation)
    {
        _options = options;
        _services = services;
        _membership = new ActivationMembership(services.Membership);
        _logger = services.LoggerFactory.CreateLogger<BootstrapperHost>();
        Activation = activation;
        var role = options.ControlPlane ? NodeRole.ControlPlane : NodeRole.Worker;
        _status = new BootstrapperStatus(
            options.NodeName, role, BootstrapperState.AwaitingInit, null,
            Endpoint(options.InitPort), Endpoint(options.VerifyGrpcPort), Endpoint(options.VerifyHttpPort), null, null);
    }

    /// <summary>Gets the node's activation (lock, disk, role).</summary>
    public NodeActivation Activation { get; }

    /// <summary>Gets the current status.</summary>
    public BootstrapperStatus Status
    {
        get
        {
            lock (_statusGate)
            {
                return _status;
            }
        }
    }

    /// <summary>Gets the init server's bound endpoint, or <see langword="null"/> when it does not listen (the node is not fresh).</summary>
    public string? InitAddress => _initServer?.Address;

    /// <summary>Gets the verification service's bound gRPC endpoint.</summary>
    public string VerifyGrpcAddress => _verifyGrpc!.Address;

    /// <summary>Gets the verification service's bound HTTP endpoint.</summary>
    public string VerifyHttpAddress => _verifyHttp!.Address;

    /// <summary>Gets the recovery server's bound endpoint while it listens, else <see langword="null"/>.</summary>
    public string? RecoveryAddress => _recoveryServer?.Address;

    /// <summary>
    /// Gets the join (or rejoin) client's run: <see langword="true"/> if it activated the node, <see langword="false"/>
    /// if something else did (init, recovery) or no client runs.
    /// </summary>
    public Task<bool> ClientCompletion { get; private set; } = Task.FromResult(false);

    /// <summary>Gets a task that completes when the node is in its final state for this boot (a member, or failed).</summary>
    public Task Completion => _lifecycle;

    /// <summary>Starts a node.</summary>
    /// <param name="options">The node's settings.</param>
    /// <param name="services">What the node is composed of (owned by the caller).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running node.</returns>
    /// <exception cref="System.IO.IOException">An endpoint could not be bound.</exception>
    public static async Task<BootstrapperHost> StartAsync(BootstrapperHostOptions options, BootstrapperHostServices services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeName);
        ArgumentException.ThrowIfNullOrEmpty(options.StateDirectory);
        ArgumentException.ThrowIfNullOrEmpty(options.InitSecretHash);

        var nodeLock = new NodeLock.NodeLock(services.Register);
        var alreadyBootstrapped = await nodeLock.LockIfAlreadyBootstrappedAsync(cancellationToken).ConfigureAwait(false);
        var host = new BootstrapperHost(options, services, new NodeActivation(nodeLock, services.Disk, options.StateDirectory));
        try
        {
            await host.StartEndpointsAsync(alreadyBootstrapped, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <inheritdoc />
    /// <remarks>Idempotent. Stops the clients, then each server gracefully (running calls finish).</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await IgnoreStopAsync(ClientCompletion).ConfigureAwait(false);
        await IgnoreStopAsync(_lifecycle).ConfigureAwait(false);
        foreach (var server in new[] { _initServer, _recoveryServer, _verifyGrpc, _verifyHttp })
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        _stopping.Dispose();
    }

    private async Task StartEndpointsAsync(bool alreadyBootstrapped, CancellationToken cancellationToken)
    {
        var verification = new VerificationService(_services.Issuer);
        var verifyAddress = _options.VerifyOnAllAddresses ? IPAddress.Any : _options.ListenAddress;
        _verifyGrpc = await StartServerAsync(
            verifyAddress,
            _options.VerifyGrpcPort,
            PlainHttp2Transport.Instance,
            services => services.AddSingleton(verification),
            app => app.MapGrpcService<VerificationServiceApi>(),
            cancellationToken).ConfigureAwait(false);
        _verifyHttp = await StartServerAsync(
            verifyAddress,
            _options.VerifyHttpPort,
            PlainHttp1Transport.Instance,
            services => services.AddSingleton(verification),
            app => app.Run(context => VerificationHttpEndpoint.HandleAsync(context, context.RequestServices.GetRequiredService<VerificationService>())),
            cancellationToken).ConfigureAwait(false);
        UpdateStatus(s => s with { VerifyEndpoint = Endpoint(_verifyGrpc.Endpoint.Port), VerifyHttpEndpoint = Endpoint(_verifyHttp.Endpoint.Port) });

        if (alreadyBootstrapped)
        {
            LogAlreadyBootstrapped(_logger, _options.NodeName, _services.Register.Index);
            UpdateStatus(s => s with
            {
                State = BootstrapperState.Failed,
                Error = $"cluster-ID register {_services.Register.Index}: expected all-zero at start, got an extended register: the node was bootstrapped since its TPM was last reset and serves neither init nor join; reset the TPM (reboot) to rejoin",
            });
            return;
        }

        if (_services.Disk.IsFormatted)
        {
            await StartRebootAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await StartFreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartFreshAsync(CancellationToken cancellationToken)
    {
        if (_options.ServeInit)
        {
            var initApi = new InitApi(Activation, _membership, _options.InitSecretHash, _services.LoggerFactory.CreateLogger<InitApi>());
            _initServer = await StartServerAsync(
                _options.InitPort,
                _services.Transports.InitServer,
                services => services.AddSingleton(initApi),
                app => app.MapGrpcService<InitApi>(),
                cancellationToken).ConfigureAwait(false);
            UpdateStatus(s => s with { InitEndpoint = _initServer.Address });
        }

        var endpoints = await _services.JoinEndpoints.GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
        UpdateStatus(s => s with { State = endpoints.Count > 0 || _initServer is null ? BootstrapperState.Joining : BootstrapperState.AwaitingInit });

        var joinClient = new JoinClient(
            new JoinClientOptions
            {
                NodeName = _options.NodeName,
                IsControlPlane = _options.ControlPlane,
                RetryInterval = _options.JoinRetryInterval,
                NodeAddresses = [_options.ListenAddress],
                SshHostPublicKey = _options.SshHostPublicKey,
                SshDirectory = System.IO.Path.Combine(_options.StateDirectory, "ssh"),
            },
            _services.JoinEndpoints,
            _services.Transports.JoinClient,
            Activation,
            _membership,
            _services.LoggerFactory.CreateLogger<JoinClient>());
        var token = _stopping.Token;
        ClientCompletion = Task.Run(() => joinClient.RunAsync(token), CancellationToken.None);
        _lifecycle = Task.Run(() => FollowFreshAsync(token), CancellationToken.None);
    }

    private async Task FollowFreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The join client's failure (e.g. a malformed ticket) ends its run before any activation; init may still follow.
            _ = ClientCompletion.ContinueWith(
                t => UpdateStatus(s => s.State is BootstrapperState.Joining or BootstrapperState.AwaitingInit
                    ? s with { Error = $"join client stopped: {t.Exception!.GetBaseException().Message}" }
                    : s),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            var role = await Activation.Activated.WaitAsync(cancellationToken).ConfigureAwait(false);
            UpdateStatus(s => s with
            {
                Role = role,
                State = _membership.Initialized ? BootstrapperState.Initialized : BootstrapperState.Joined,
                ClusterId = Activation.ClusterId,
                Error = null,
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(ex);
        }
    }

    private async Task StartRebootAsync(CancellationToken cancellationToken)
    {
        UpdateStatus(s => s with { State = BootstrapperState.Rejoining });
        if (_options.ControlPlane)
        {
            var recovery = new RecoveryApi(Activation, _services.LoggerFactory.CreateLogger<RecoveryApi>());
            _recoveryServer = await StartServerAsync(
                _options.RecoveryPort,
                _services.Transports.InitServer,
                services => services.AddSingleton(recovery),
                app => app.MapGrpcService<RecoveryApi>(),
                cancellationToken).ConfigureAwait(false);
            UpdateStatus(s => s with { RecoveryEndpoint = _recoveryServer.Address });
        }

        var rejoinOptions = new RejoinClientOptions
        {
            RequestTimeout = _options.Rejoin.RequestTimeout,
            InitialRetryDelay = _options.Rejoin.InitialRetryDelay,
            MaxRetryDelay = _options.Rejoin.MaxRetryDelay,
            RoundFailed = () =>
            {
                _options.Rejoin.RoundFailed?.Invoke();
                if (_recoveryServer is not null)
                {
                    UpdateStatus(s => s.State == BootstrapperState.Rejoining ? s with { State = BootstrapperState.Recovering } : s);
                }
            },
        };
        var rejoin = new RejoinClient(rejoinOptions, _services.JoinEndpoints, _services.Transports.JoinClient, Activation, _services.LoggerFactory.CreateLogger<RejoinClient>());
        var token = _stopping.Token;
        ClientCompletion = Task.Run(() => rejoin.RunAsync(token), CancellationToken.None);
        _lifecycle = Task.Run(() => FollowRebootAsync(token), CancellationToken.None);
    }

    private async Task FollowRebootAsync(CancellationToken cancellationToken)
    {
        try
        {
            var role = await Activation.Activated.WaitAsync(cancellationToken).ConfigureAwait(false);

            // First success wins: the recovery server stops listening (a call in flight still gets its answer).
            if (_recoveryServer is { } recovery)
            {
                await recovery.StopAsync(cancellationToken).ConfigureAwait(false);
                UpdateStatus(s => s with { RecoveryEndpoint = null });
            }

            UpdateStatus(s => s with { Role = role, ClusterId = Activation.ClusterId });
            await _membership.ResumeAsync(Activation.State!, cancellationToken).ConfigureAwait(false);
            LogResumed(_logger, _options.NodeName, role);
            UpdateStatus(s => s with { State = BootstrapperState.Joined, Error = null });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception ex)
    {
        LogFailed(_logger, _options.NodeName, ex.GetType().Name, ex.Message);
        UpdateStatus(s => s with { State = BootstrapperState.Failed, Error = ex.Message });
    }

    private void UpdateStatus(Func<BootstrapperStatus, BootstrapperStatus> change)
    {
        lock (_statusGate)
        {
            var next = change(_status);
            if (next == _status)
            {
                return;
            }

            _status = next;
            _services.StatusChanged?.Invoke(next);
        }
    }

    private Task<ServiceHost> StartServerAsync(int port, IServerTransport transport, Action<IServiceCollection> configure, Action<WebApplication> map, CancellationToken cancellationToken) =>
        StartServerAsync(_options.ListenAddress, port, transport, configure, map, cancellationToken);

    private Task<ServiceHost> StartServerAsync(
        IPAddress address, int port, IServerTransport transport, Action<IServiceCollection> configure, Action<WebApplication> map, CancellationToken cancellationToken) =>
        ServiceHost.StartAsync(new IPEndPoint(address, port), transport, _services.LoggerFactory, configure, map, cancellationToken);

    private string Endpoint(int port) => new IPEndPoint(_options.ListenAddress, port).ToString();

    private static async Task IgnoreStopAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stopping cancels the clients; their failures were already reported through the status.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {NodeName}: register {Index} is already extended; the node was bootstrapped and will neither init nor join")]
    private static partial void LogAlreadyBootstrapped(ILogger logger, string nodeName, uint index);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName} is back in its cluster as {Role}")]
    private static partial void LogResumed(ILogger logger, string nodeName, NodeRole role);

    [LoggerMessage(Level = LogLevel.Error, Message = "node {NodeName} failed: {ErrorType}: {Error}")]
    private static partial void LogFailed(ILogger logger, string nodeName, string errorType, string error);

    /// <summary>Forwards to the caller's membership and records whether this node initialised the cluster.</summary>
    private sealed class ActivationMembership(IClusterMembership inner) : IClusterMembership
    {
        private int _initialized;

        public bool Initialized => Volatile.Read(ref _initialized) != 0;

        public async Task<byte[]> InitializeAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, string clusterName, CancellationToken cancellationToken = default)
        {
            var kubeconfig = await inner.InitializeAsync(masterSecret, measurementSalt, clusterName, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _initialized, 1);
            return kubeconfig;
        }

        public Task JoinAsync(KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default) => inner.JoinAsync(ticket, cancellationToken);

        public Task ResumeAsync(NodeState state, CancellationToken cancellationToken = default) => inner.ResumeAsync(state, cancellationToken);
    }
}
