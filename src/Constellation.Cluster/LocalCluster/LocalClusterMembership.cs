using System;
using System.IO;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.LocalCluster;

/// <summary>
/// The local cluster's <c>kubeadm</c>: on init it stores the master secret (0600), creates the cluster CA, starts the key
/// service (mutual TLS with the cluster CA, serving the join service only, on a cluster-internal address) and the join
/// service on this node; on join it installs the kubelet certificate and key and the control-plane files.
/// </summary>
/// <remarks>Not thread-safe for concurrent init; the node lock guarantees a node is activated once.</remarks>
public sealed class LocalClusterMembership : IClusterMembership, IAsyncDisposable
{
    private readonly LocalClusterOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private ServiceHost? _keyService;
    private ServiceHost? _joinService;
    private LocalKubernetesOperations? _kubernetes;
    private GrpcChannel? _keyServiceChannel;
    private X509Certificate2? _keyServiceCertificate;
    private X509Certificate2? _joinServiceCertificate;

    /// <summary>Creates the membership.</summary>
    /// <param name="options">The local cluster settings.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="time">The clock.</param>
    public LocalClusterMembership(LocalClusterOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.StateDirectory);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeName);
        if (options.JoinServiceTransport is null && options.JoinServiceValidator is null)
        {
            throw new ArgumentException(
                $"{nameof(LocalClusterOptions)}: expected {nameof(options.JoinServiceValidator)} (the join service then requires client-attested aTLS) or an explicit {nameof(options.JoinServiceTransport)}, got neither",
                nameof(options));
        }

        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
    }

    /// <summary>Gets the join service endpoint once this node runs the control plane.</summary>
    public string? JoinServiceAddress => _joinService?.Address;

    /// <summary>Gets the key service endpoint once this node runs the control plane.</summary>
    public string? KeyServiceAddress => _keyService?.Address;

    /// <summary>Gets the join service's mutually authenticated channels to the key service once this node runs the control plane.</summary>
    internal IGrpcChannelFactory? KeyServiceChannels { get; private set; }

    /// <summary>Gets the cluster's Kubernetes operations once this node runs the control plane.</summary>
    public LocalKubernetesOperations? Kubernetes => _kubernetes;

    /// <summary>Gets the path of the master secret file the key service reads.</summary>
    public string MasterSecretPath => Path.Combine(_options.StateDirectory, "mastersecret.json");

    /// <inheritdoc />
    public async Task<byte[]> InitializeAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        if (_kubernetes is not null)
        {
            throw new InvalidOperationException("the control plane is already running on this node");
        }

        // The init node's own name and disk are bound first: a joining node can take neither.
        var nodeNames = new NodeNameRegistry();
        nodeNames.Claim(_options.NodeName, StateDiskUuid.Parse(_options.StateDiskUuid));

        Directory.CreateDirectory(_options.StateDirectory);
        await masterSecret.WriteFileAsync(MasterSecretPath, cancellationToken).ConfigureAwait(false);

        var now = _time.GetUtcNow();
        var ca = ClusterCertificateAuthority.Create("kubernetes", now);
        _kubernetes = new LocalKubernetesOperations(ca, $"{_options.ListenAddress}:6443", _time);
        await File.WriteAllTextAsync(Path.Combine(_options.StateDirectory, "ca.crt"), ca.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);

        // The key service hands out every disk key: it listens on a cluster-internal address (loopback by default, never
        // ListenAddress) and serves only the join service, which authenticates with its own cluster-CA certificate.
        using var caCertificate = ca.Certificate;
        _keyServiceCertificate = KeyServiceIdentity.IssueKeyServiceCertificate(ca, [_options.KeyServiceListenAddress], now);
        _joinServiceCertificate = KeyServiceIdentity.IssueJoinServiceCertificate(ca, now);
        KeyServiceChannels = KeyServiceIdentity.CreateClientChannels(_joinServiceCertificate, caCertificate);
        var callers = KeyServiceIdentity.Callers(caCertificate);

        // The key service reads the secret back from its 0600 file, as Constellation's reads /var/config/mastersecret.
        var stored = await MasterSecret.ReadFileAsync(MasterSecretPath, cancellationToken).ConfigureAwait(false);
        _keyService = await ServiceHost.StartAsync(
            new IPEndPoint(_options.KeyServiceListenAddress, _options.KeyServicePort),
            KeyServiceIdentity.CreateServerTransport(_keyServiceCertificate, caCertificate),
            _loggerFactory,
            services =>
            {
                services.AddSingleton<IDataKeyProvider>(new MasterSecretDataKeyProvider(stored));
                services.AddSingleton(callers);
            },
            app => app.MapGrpcService<KeyServiceApi>(),
            cancellationToken).ConfigureAwait(false);

        var keyServiceChannel = _keyServiceChannel = KeyServiceChannels.CreateChannel(_keyService.Address);
        var kubernetes = _kubernetes;
        var joinOptions = new JoinServiceOptions { MeasurementSalt = measurementSalt.ToArray() };
        joinOptions.ControlPlaneNodeNames.UnionWith(_options.ControlPlaneNodeNames);
        _joinService = await ServiceHost.StartAsync(
            new IPEndPoint(_options.ListenAddress, _options.JoinServicePort),
            _options.JoinServiceTransport ?? JoinServicePolicy.CreateTransport(_options.JoinServiceValidator!),
            _loggerFactory,
            services =>
            {
                services.AddSingleton<IDataKeyProvider>(new KeyServiceClient(keyServiceChannel));
                services.AddSingleton<IKubernetesOperations>(kubernetes);
                services.AddSingleton(nodeNames);
                services.AddSingleton(joinOptions);
                services.AddSingleton<JoinTicketIssuer>();
            },
            app => app.MapGrpcService<JoinServiceApi>(),
            cancellationToken).ConfigureAwait(false);

        if (_options.MetadataFile is not null)
        {
            await File.AppendAllTextAsync(_options.MetadataFile, _joinService.Address + "\n", cancellationToken).ConfigureAwait(false);
        }

        return _kubernetes.CreateAdminKubeconfig(clusterName);
    }

    /// <inheritdoc />
    public async Task JoinAsync(KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!ticket.KubeletCertificate.HasPrivateKey)
        {
            throw new ArgumentException("kubelet certificate: expected the node's private key alongside", nameof(ticket));
        }

        Directory.CreateDirectory(_options.StateDirectory);
        var pki = Path.Combine(_options.StateDirectory, "pki");
        Directory.CreateDirectory(pki);
        await File.WriteAllTextAsync(Path.Combine(_options.StateDirectory, "kubelet.crt"), ticket.KubeletCertificate.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
        using (var key = ticket.KubeletCertificate.GetECDsaPrivateKey() ?? throw new ArgumentException("kubelet key: expected ECDSA", nameof(ticket)))
        {
            await SecretFile.WriteNewAsync(Path.Combine(_options.StateDirectory, "kubelet.key"), Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in ticket.ControlPlaneFiles)
        {
            var name = Path.GetFileName(file.Name);
            if (name.Length == 0 || name != file.Name)
            {
                throw new ArgumentException($"control-plane file name: expected a plain file name, got \"{file.Name}\"", nameof(ticket));
            }

            await SecretFile.WriteNewAsync(Path.Combine(pki, name), file.Data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>The in-process control plane lives in memory and does not survive its process: nothing to resume.</remarks>
    public Task ResumeAsync(NodeRole role, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_joinService is not null)
        {
            await _joinService.DisposeAsync().ConfigureAwait(false);
        }

        if (_keyService is not null)
        {
            await _keyService.DisposeAsync().ConfigureAwait(false);
        }

        _keyServiceChannel?.Dispose();
        _keyServiceCertificate?.Dispose();
        _joinServiceCertificate?.Dispose();
        _kubernetes?.Dispose();
    }
}
