using System;
using System.IO;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Vpn;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.ClusterServices;

/// <summary>
/// The cluster services of the node that initialised the cluster: the key service (mutual TLS with the cluster CA,
/// serving the join service only, on a cluster-internal address) and the join service (on the node's address, over the
/// transport the caller gives: client-attested aTLS with the join policy), run from the files of
/// <see cref="ClusterServicesState"/>. One identity (the cluster CA), one configuration; the key service stays a
/// separate authenticated endpoint, so the two can move apart without a protocol change. With
/// <see cref="AdminServiceOptions"/> it also hosts the admin API (server-attested aTLS with the node's issuer; callers
/// must present the admin credential: a cluster-CA client certificate in <c>system:masters</c>).
/// </summary>
/// <remarks>Start with <c>StartAsync</c>; dispose to stop both services gracefully.</remarks>
public sealed class ClusterServicesHost : IAsyncDisposable
{
    private readonly ServiceHost _keyService;
    private readonly ServiceHost _joinService;
    private readonly ServiceHost? _adminService;
    private readonly GrpcChannel _keyServiceChannel;
    private readonly X509Certificate2 _keyServiceCertificate;
    private readonly X509Certificate2 _joinServiceCertificate;
    private int _disposed;

    private ClusterServicesHost(
        ServiceHost keyService, ServiceHost joinService, ServiceHost? adminService, GrpcChannel keyServiceChannel, X509Certificate2 keyServiceCertificate, X509Certificate2 joinServiceCertificate,
        IGrpcChannelFactory keyServiceChannels, LocalKubernetesOperations kubernetes, INodeNameRegistry nodeNames)
    {
        _keyService = keyService;
        _joinService = joinService;
        _adminService = adminService;
        _keyServiceChannel = keyServiceChannel;
        _keyServiceCertificate = keyServiceCertificate;
        _joinServiceCertificate = joinServiceCertificate;
        KeyServiceChannels = keyServiceChannels;
        Kubernetes = kubernetes;
        NodeNames = nodeNames;
    }

    /// <summary>Gets the join service's bound endpoint.</summary>
    public string JoinServiceAddress => _joinService.Address;

    /// <summary>Gets the admin API's bound endpoint, or <see langword="null"/> when the host was started without <see cref="AdminServiceOptions"/>.</summary>
    public string? AdminServiceAddress => _adminService?.Address;

    /// <summary>Gets the key service's bound endpoint.</summary>
    public string KeyServiceAddress => _keyService.Address;

    /// <summary>Gets the cluster's Kubernetes operations (CA, bootstrap tokens).</summary>
    public LocalKubernetesOperations Kubernetes { get; }

    /// <summary>Gets the name ↔ disk bindings (recorded in the state directory).</summary>
    internal INodeNameRegistry NodeNames { get; }

    /// <summary>Gets the VPN API's bound endpoint, or <see langword="null"/> when this replica serves none.</summary>
    public string? VpnApiAddress => VpnApiHost?.Address;

    private ServiceHost? VpnApiHost { get; init; }

    private X509Certificate2? VpnApiCertificate { get; init; }

    /// <summary>Gets the join service's mutually authenticated channels to the key service.</summary>
    internal IGrpcChannelFactory KeyServiceChannels { get; }

    /// <summary>Starts both services.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="joinServiceTransport">The join service's transport: client-attested aTLS with the join policy (<c>JoinServicePolicy.CreateTransport</c>).</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running services.</returns>
    /// <exception cref="IOException">The state is missing or unreadable, or an endpoint cannot be bound.</exception>
    /// <exception cref="NodeRegistryException">The node registry cannot be trusted.</exception>
    public static Task<ClusterServicesHost> StartAsync(
        ClusterServicesOptions options, IServerTransport joinServiceTransport, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken = default) =>
        StartAsync(options, joinServiceTransport, admin: null, ClusterServicesBackends.Files, loggerFactory, time, cancellationToken);

    /// <summary>Starts the key and join services and, with <paramref name="admin"/>, the admin API on <see cref="ClusterServicesOptions.AdminServicePort"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="joinServiceTransport">The join service's transport: client-attested aTLS with the join policy (<c>JoinServicePolicy.CreateTransport</c>).</param>
    /// <param name="admin">The admin API's issuer, variant and policy publisher; <see langword="null"/> hosts no admin API.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running services.</returns>
    /// <exception cref="IOException">The state is missing or unreadable, or an endpoint cannot be bound.</exception>
    /// <exception cref="NodeRegistryException">The node registry cannot be trusted.</exception>
    public static Task<ClusterServicesHost> StartAsync(
        ClusterServicesOptions options, IServerTransport joinServiceTransport, AdminServiceOptions? admin, ILoggerFactory loggerFactory, TimeProvider time,
        CancellationToken cancellationToken = default) =>
        StartAsync(options, joinServiceTransport, admin, ClusterServicesBackends.Files, loggerFactory, time, cancellationToken);

    /// <summary>
    /// Starts a replica whose node registry and VPN peers live in <paramref name="backends"/> (the cluster store), and the
    /// VPN API on <see cref="ClusterServicesOptions.VpnApiPort"/> when it has a VPN peer directory.
    /// </summary>
    internal static async Task<ClusterServicesHost> StartAsync(
        ClusterServicesOptions options, IServerTransport joinServiceTransport, AdminServiceOptions? admin, ClusterServicesBackends backends, ILoggerFactory loggerFactory,
        TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.StateDirectory);
        ArgumentNullException.ThrowIfNull(joinServiceTransport);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        if (options.MeasurementSalt.Length != 32)
        {
            throw new ArgumentException($"{nameof(options.MeasurementSalt)}: expected 32 bytes, got {options.MeasurementSalt.Length}", nameof(options));
        }

        var directory = options.StateDirectory;
        var masterSecret = await MasterSecret.ReadFileAsync(Path.Combine(directory, ClusterServicesState.MasterSecretFileName), cancellationToken).ConfigureAwait(false);
        var ca = ClusterCertificateAuthority.FromPem(
            await File.ReadAllTextAsync(Path.Combine(directory, ClusterServicesState.CaCertificateFileName), cancellationToken).ConfigureAwait(false),
            await File.ReadAllTextAsync(Path.Combine(directory, ClusterServicesState.CaKeyFileName), cancellationToken).ConfigureAwait(false));
        var kubernetes = new LocalKubernetesOperations(ca, $"{options.ListenAddress}:6443", time);
        using (var etcdCa = await ClusterServicesState.ReadEtcdCaAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            if (etcdCa is not null)
            {
                kubernetes.AddStoreCertificateAuthority(etcdCa);
            }
        }

        var nodeNames = backends.NodeNames ?? NodeNameRegistry.Open(Path.Combine(directory, ClusterServicesState.NodeRegistryFileName));

        // The key service hands out every disk key: it serves the join service only, which authenticates with a
        // cluster-CA certificate for its pinned name. Both certificates are fresh for every start and live in memory.
        var now = time.GetUtcNow();
        using var caCertificate = ca.Certificate;
        var keyServiceCertificate = KeyServiceIdentity.IssueKeyServiceCertificate(ca, [options.KeyServiceListenAddress], now);
        var joinServiceCertificate = KeyServiceIdentity.IssueJoinServiceCertificate(ca, now);
        var keyServiceChannels = KeyServiceIdentity.CreateClientChannels(joinServiceCertificate, caCertificate);
        var callers = KeyServiceIdentity.Callers(caCertificate);
        ServiceHost? keyService = null;
        ServiceHost? joinService = null;
        ServiceHost? vpnApi = null;
        X509Certificate2? vpnApiCertificate = null;
        GrpcChannel? keyServiceChannel = null;
        try
        {
            keyService = await ServiceHost.StartAsync(
                new IPEndPoint(options.KeyServiceListenAddress, options.KeyServicePort),
                KeyServiceIdentity.CreateServerTransport(keyServiceCertificate, caCertificate),
                loggerFactory,
                services =>
                {
                    services.AddSingleton<IDataKeyProvider>(new MasterSecretDataKeyProvider(masterSecret));
                    services.AddSingleton(callers);
                },
                app => app.MapGrpcService<KeyServiceApi>(),
                cancellationToken).ConfigureAwait(false);

            var channel = keyServiceChannel = keyServiceChannels.CreateChannel(keyService.Address);
            var joinOptions = new JoinServiceOptions { MeasurementSalt = options.MeasurementSalt.ToArray(), TimeProvider = time };
            joinOptions.ControlPlaneNodeNames.UnionWith(options.ControlPlaneNodeNames);
            joinService = await ServiceHost.StartAsync(
                new IPEndPoint(options.ListenAddress, options.JoinServicePort),
                joinServiceTransport,
                loggerFactory,
                services =>
                {
                    services.AddSingleton<IDataKeyProvider>(new KeyServiceClient(channel));
                    services.AddSingleton<IKubernetesOperations>(
                        backends.BootstrapTokens is { } tokens ? new Store.StoreKubernetesOperations(kubernetes, tokens) : kubernetes);
                    services.AddSingleton<INodeNameRegistry>(nodeNames);
                    services.AddSingleton(joinOptions);
                    services.AddSingleton<JoinTicketIssuer>();
                },
                app => app.MapGrpcService<JoinServiceApi>(),
                cancellationToken).ConfigureAwait(false);
            if (backends.VpnPeers is { } peers)
            {
                // Nodes publish their WireGuard keys with their kubelet certificates; the server is the cluster CA's.
                vpnApiCertificate = VpnApiIdentity.IssueServerCertificate(ca, [options.ListenAddress], now);
                var nodes = ClusterPeerPolicy.Nodes(caCertificate);
                vpnApi = await ServiceHost.StartAsync(
                    new IPEndPoint(options.ListenAddress, options.VpnApiPort),
                    VpnApiIdentity.CreateServerTransport(vpnApiCertificate, caCertificate),
                    loggerFactory,
                    services =>
                    {
                        services.AddSingleton(peers);
                        services.AddSingleton(nodes);
                    },
                    app => app.MapGrpcService<VpnApi>(),
                    cancellationToken).ConfigureAwait(false);
            }

            var adminService = admin is null ? null : await AdminServiceHost.StartAsync(
                new IPEndPoint(options.ListenAddress, options.AdminServicePort), admin, caCertificate, loggerFactory, cancellationToken).ConfigureAwait(false);
            return new ClusterServicesHost(keyService, joinService, adminService, channel, keyServiceCertificate, joinServiceCertificate, keyServiceChannels, kubernetes, nodeNames)
            {
                VpnApiHost = vpnApi,
                VpnApiCertificate = vpnApiCertificate,
            };
        }
        catch
        {
            if (vpnApi is not null)
            {
                await vpnApi.DisposeAsync().ConfigureAwait(false);
            }

            vpnApiCertificate?.Dispose();
            if (joinService is not null)
            {
                await joinService.DisposeAsync().ConfigureAwait(false);
            }

            if (keyService is not null)
            {
                await keyService.DisposeAsync().ConfigureAwait(false);
            }

            keyServiceChannel?.Dispose();
            keyServiceCertificate.Dispose();
            joinServiceCertificate.Dispose();
            kubernetes.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Idempotent. The admin API and the join service stop first (no new policies, no new tickets), then the key service.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_adminService is not null)
        {
            await _adminService.DisposeAsync().ConfigureAwait(false);
        }

        if (VpnApiHost is not null)
        {
            await VpnApiHost.DisposeAsync().ConfigureAwait(false);
        }

        VpnApiCertificate?.Dispose();

        await _joinService.DisposeAsync().ConfigureAwait(false);
        await _keyService.DisposeAsync().ConfigureAwait(false);
        _keyServiceChannel.Dispose();
        _keyServiceCertificate.Dispose();
        _joinServiceCertificate.Dispose();
        Kubernetes.Dispose();
    }
}
