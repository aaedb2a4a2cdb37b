using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
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
    private ClusterServicesHost? _services;

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
    public string? JoinServiceAddress => _services?.JoinServiceAddress;

    /// <summary>Gets the key service endpoint once this node runs the control plane.</summary>
    public string? KeyServiceAddress => _services?.KeyServiceAddress;

    /// <summary>Gets the join service's mutually authenticated channels to the key service once this node runs the control plane.</summary>
    internal IGrpcChannelFactory? KeyServiceChannels => _services?.KeyServiceChannels;

    /// <summary>Gets the cluster's Kubernetes operations once this node runs the control plane.</summary>
    public LocalKubernetesOperations? Kubernetes => _services?.Kubernetes;

    /// <summary>Gets the path of the master secret file the key service reads.</summary>
    public string MasterSecretPath => Path.Combine(_options.StateDirectory, ClusterServicesState.MasterSecretFileName);

    /// <inheritdoc />
    public async Task<byte[]> InitializeAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        if (_services is not null)
        {
            throw new InvalidOperationException("the control plane is already running on this node");
        }

        // The cluster services' state lives in the node's state directory: the master secret (0600, read back by the
        // key service as Constellation's reads /var/config/mastersecret), the CA, and the registry seeded with this
        // node's own binding, so a joining node can take neither its name nor its disk.
        using (var ca = ClusterCertificateAuthority.Create("kubernetes", _time.GetUtcNow()))
        {
            await ClusterServicesState.CreateAsync(
                _options.StateDirectory, masterSecret, ca, _options.NodeName, StateDiskUuid.Parse(_options.StateDiskUuid), cancellationToken).ConfigureAwait(false);
        }

        var services = new ClusterServicesOptions
        {
            StateDirectory = _options.StateDirectory,
            ListenAddress = _options.ListenAddress,
            JoinServicePort = _options.JoinServicePort,
            KeyServiceListenAddress = _options.KeyServiceListenAddress,
            KeyServicePort = _options.KeyServicePort,
            MeasurementSalt = measurementSalt.ToArray(),
        };
        services.ControlPlaneNodeNames.UnionWith(_options.ControlPlaneNodeNames);
        _services = await ClusterServicesHost.StartAsync(
            services,
            _options.JoinServiceTransport ?? JoinServicePolicy.CreateTransport(_options.JoinServiceValidator!),
            _loggerFactory,
            _time,
            cancellationToken).ConfigureAwait(false);

        if (_options.MetadataFile is not null)
        {
            await File.AppendAllTextAsync(_options.MetadataFile, _services.JoinServiceAddress + "\n", cancellationToken).ConfigureAwait(false);
        }

        return _services.Kubernetes.CreateAdminKubeconfig(clusterName);
    }

    /// <inheritdoc />
    public Task JoinAsync(KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default) =>
        KubeletFiles.WriteAsync(_options.StateDirectory, ticket, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The in-process control plane lives in memory and does not survive its process: nothing to resume.</remarks>
    public Task ResumeAsync(NodeState state, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }
    }
}
