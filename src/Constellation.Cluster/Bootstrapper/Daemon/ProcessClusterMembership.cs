using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.ClusterServices.Daemon;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.Store;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// The daemon's <c>kubeadm</c>: on init it creates the cluster's CA and the cluster services' state in
/// <c>&lt;StateDirectory&gt;/cluster-services</c> (<see cref="ClusterServicesState"/>), writes their configuration file
/// there and starts <c>constellation-cluster-services</c> as a supervised child; on join it installs the kubelet files;
/// after a reboot of the node that initialised the cluster it starts the cluster services again from that state.
/// </summary>
/// <remarks>
/// A node that joined as a control plane does not start cluster services of its own: the name ↔ disk bindings live in
/// one registry, and a second join service with a registry of its own would hand the first node's name to another
/// disk (see docs/hosts.md).
/// </remarks>
internal sealed class ProcessClusterMembership : IClusterMembership, IAsyncDisposable
{
    public const string DirectoryName = "cluster-services";
    public const string ConfigFileName = "cluster-services.json";

    private readonly BootstrapperDaemonSettings _settings;
    private readonly string _diskUuid;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly IAttestationIssuer _issuer;
    private ClusterServicesProcess? _process;
    private ControlPlaneStore? _store;
    private ServiceHost? _admin;
    private NodeVpn? _vpn;

    public ProcessClusterMembership(BootstrapperDaemonSettings settings, string diskUuid, IAttestationIssuer issuer, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _settings = settings;
        _diskUuid = diskUuid;
        _issuer = issuer;
        _loggerFactory = loggerFactory;
        _time = time;
        Directory = Path.Combine(settings.StateDirectory, DirectoryName);
    }

    /// <summary>Gets or sets what is called when the cluster services start, stop or restart.</summary>
    public Action? Changed { get; set; }

    /// <summary>Gets the cluster services' state directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the join service endpoint while the cluster services serve, else <see langword="null"/>.</summary>
    public string? JoinEndpoint => _process?.JoinEndpoint;

    /// <summary>Gets the cluster services' PID while they run, else <see langword="null"/>.</summary>
    public int? ProcessId => _process?.ProcessId;

    /// <summary>Gets whether this node's etcd member runs and answered since it last started.</summary>
    public bool IsEtcdMember => _store?.IsMember ?? false;

    /// <summary>Gets the node's VPN address once it joined the VPN, else <see langword="null"/>.</summary>
    public System.Net.IPAddress? VpnAddress => _vpn?.Address;

    /// <summary>Gets how many VPN peers the node had a WireGuard handshake with at the last count.</summary>
    public int VpnPeers => _vpn?.Peers ?? 0;

    public async Task<byte[]> InitializeAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        if (_settings.AttestationConfig is null)
        {
            throw new ClusterException($"{BootstrapperDaemonSettings.Section}:AttestationConfig: expected the join policy file the cluster services admit nodes by, got none");
        }

        var now = _time.GetUtcNow();
        using var ca = ClusterCertificateAuthority.Create("kubernetes", now);
        await ClusterServicesState.CreateAsync(Directory, masterSecret, ca, _settings.NodeName, StateDiskUuid.Parse(_diskUuid), cancellationToken).ConfigureAwait(false);
        if (_settings.ClusterStore)
        {
            // The store's own CA (kubeadm's etcd CA): control planes get it, workers never, so a kubelet certificate
            // cannot reach the store that holds the master secret.
            using var etcdCa = ClusterCertificateAuthority.Create("etcd-ca", now);
            await ClusterServicesState.WriteEtcdCaAsync(Directory, etcdCa, cancellationToken).ConfigureAwait(false);
            _store = await ControlPlaneStore.StartNewAsync(_settings, etcdCa, _loggerFactory.CreateLogger<ControlPlaneStore>(), cancellationToken).ConfigureAwait(false);
            await SeedStoreAsync(masterSecret, measurementSalt, cancellationToken).ConfigureAwait(false);
        }

        await StartAsync(measurementSalt, cancellationToken).ConfigureAwait(false);
        if (_settings.Vpn)
        {
            await KubeletFiles.WriteSelfIssuedAsync(_settings.StateDirectory, ca, _settings.NodeName, now, cancellationToken).ConfigureAwait(false);
        }

        await StartNodeServicesAsync(cancellationToken).ConfigureAwait(false);
        using var kubernetes = new LocalKubernetesOperations(ClusterCertificateAuthority.FromPem(ca.ExportCertificatePem(), ca.ExportPrivateKeyPem()), $"{_settings.ListenAddress}:6443", _time);
        return kubernetes.CreateAdminKubeconfig(clusterName);
    }

    public async Task JoinAsync(KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await KubeletFiles.WriteAsync(_settings.StateDirectory, ticket, cancellationToken).ConfigureAwait(false);
        if (_settings.ControlPlane && _settings.ClusterStore)
        {
            // A control plane that joined: an etcd member of its own and a cluster-services replica on the store, with
            // the two CAs from its ticket and the master secret from the store.
            using var ca = ReadTicketCa(ClusterServicesState.CaCertificateFileName, ClusterServicesState.CaKeyFileName);
            using var etcdCa = ReadTicketCa(ClusterServicesState.EtcdCaCertificateFileName, ClusterServicesState.EtcdCaKeyFileName);
            _store = await ControlPlaneStore.JoinAsync(_settings, etcdCa, _loggerFactory.CreateLogger<ControlPlaneStore>(), cancellationToken).ConfigureAwait(false);
            var masterSecret = await StoreMasterSecret.ReadAsync(_store.Connection.Store, cancellationToken).ConfigureAwait(false);
            await ClusterServicesState.CreateReplicaAsync(Directory, masterSecret, ca, etcdCa, cancellationToken).ConfigureAwait(false);
            await StartAsync(await StoreMasterSecret.ReadSaltAsync(_store.Connection.Store, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        await StartNodeServicesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeAsync(NodeState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Role == NodeRole.ControlPlane && ClusterServicesState.Exists(Directory))
        {
            if (_settings.ClusterStore && ControlPlaneStore.HasMember(_settings))
            {
                using var etcdCa = await ClusterServicesState.ReadEtcdCaAsync(Directory, cancellationToken).ConfigureAwait(false)
                    ?? throw new ClusterException($"etcd member {_settings.NodeName}: expected the etcd CA in {Directory}, got none");
                _store = await ControlPlaneStore.RestartAsync(_settings, etcdCa, _loggerFactory.CreateLogger<ControlPlaneStore>(), cancellationToken).ConfigureAwait(false);
            }

            await StartAsync(state.MeasurementSalt, cancellationToken).ConfigureAwait(false);
        }

        await StartNodeServicesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_vpn is not null)
        {
            await _vpn.DisposeAsync().ConfigureAwait(false);
        }

        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }

        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            Changed?.Invoke();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What every member node runs next to its services: on a control plane of a store cluster, the admin API (this
    /// process holds the node's issuer, which attests the API to the administrator); with the VPN, the node's agent.
    /// </summary>
    private async Task StartNodeServicesAsync(CancellationToken cancellationToken)
    {
        if (_store is not null && _admin is null)
        {
            using var caCertificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(Directory, ClusterServicesState.CaCertificateFileName), cancellationToken).ConfigureAwait(false));
            var store = _store.Connection.Store;
            _admin = await AdminServiceHost.StartAsync(
                new System.Net.IPEndPoint(_settings.ListenAddress, _settings.AdminServicePort),
                new AdminServiceOptions
                {
                    Issuer = _issuer,
                    Variant = _settings.NodeVariant.Definition,
                    Publisher = new StoreJoinPolicy(store, _settings.Variant, AttestationVariantRegistry.Default),
                    VpnPeers = new StoreVpnPeerDirectory(store),
                },
                caCertificate,
                _loggerFactory,
                cancellationToken).ConfigureAwait(false);
        }

        if (_settings.Vpn && _vpn is null)
        {
            var port = _settings.VpnApiPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            IReadOnlyList<string> apis =
            [
                .. _process is null ? [] : new[] { $"{_settings.ListenAddress}:{port}" },
                .. _settings.ControlPlaneHosts.Select(host => $"{host}:{port}"),
            ];
            _vpn = await NodeVpn.StartAsync(_settings, apis, _loggerFactory.CreateLogger<NodeVpn>(), () => Changed?.Invoke(), cancellationToken).ConfigureAwait(false);
            Changed?.Invoke();
        }
    }

    /// <summary>The store of a new cluster holds, before any replica serves: the master secret, the measurement salt, the join policy and the init node's binding.</summary>
    private async Task SeedStoreAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, CancellationToken cancellationToken)
    {
        var store = _store!.Connection.Store;
        var registry = AttestationVariantRegistry.Default;
        var policy = await new FileAttestationPolicySource(_settings.AttestationConfig!, PolicyFileFormat.Json, _settings.Variant, registry).LoadAsync(cancellationToken).ConfigureAwait(false);
        await StoreMasterSecret.PutAsync(store, masterSecret, cancellationToken).ConfigureAwait(false);
        await StoreMasterSecret.PutSaltAsync(store, measurementSalt, cancellationToken).ConfigureAwait(false);
        await new StoreJoinPolicy(store, _settings.Variant, registry).PublishAsync(policy, cancellationToken).ConfigureAwait(false);
        await new StoreNodeNameRegistry(store).ClaimAsync(_settings.NodeName, StateDiskUuid.Parse(_diskUuid), cancellationToken).ConfigureAwait(false);
    }

    private ClusterCertificateAuthority ReadTicketCa(string certificateFile, string keyFile)
    {
        var pki = Path.Combine(_settings.StateDirectory, "pki");
        if (!File.Exists(Path.Combine(pki, keyFile)))
        {
            throw new ClusterException($"control-plane join of {_settings.NodeName}: expected {keyFile} among the ticket's control-plane files, got none (is the join service on the cluster store?)");
        }

        return ClusterCertificateAuthority.FromPem(File.ReadAllText(Path.Combine(pki, certificateFile)), File.ReadAllText(Path.Combine(pki, keyFile)));
    }

    private async Task StartAsync(ReadOnlyMemory<byte> measurementSalt, CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("the cluster services already run on this node");
        }

        if (_settings.AttestationConfig is null)
        {
            throw new ClusterException($"{BootstrapperDaemonSettings.Section}:AttestationConfig: expected the join policy file the cluster services admit nodes by, got none");
        }

        // Rewritten on every start from this boot's settings (a new policy path or address applies after a restart).
        var configFile = Path.Combine(Directory, ConfigFileName);
        AtomicFile.Replace(configFile, Configuration(measurementSalt), AtomicFile.OwnerOnly);
        var process = new ClusterServicesProcess(
            _settings.ClusterServicesPath,
            configFile,
            Path.Combine(Directory, ClusterServicesDaemonSettings.StatusFileName),
            _loggerFactory.CreateLogger<ClusterServicesProcess>(),
            () => Changed?.Invoke());
        _process = process;
        await process.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private byte[] Configuration(ReadOnlyMemory<byte> measurementSalt)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject(ClusterServicesDaemonSettings.Section);
            json.WriteString("Variant", _settings.Variant.Name);
            json.WriteString("StateDirectory", Directory);
            json.WriteString("ListenAddress", _settings.ListenAddress.ToString());
            json.WriteString("JoinServicePort", _settings.JoinServicePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("AttestationConfig", _settings.AttestationConfig);
            json.WriteString("MeasurementSalt", Convert.ToBase64String(measurementSalt.Span));
            json.WriteStartArray("ControlPlaneNodeNames");
            foreach (var name in _settings.ControlPlaneNodeNames)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteString("LogLevel", _settings.LogLevel.ToString());
            if (_store is not null)
            {
                json.WriteString("NodeName", _settings.NodeName);
                json.WriteString("VpnApiPort", _settings.VpnApiPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
                json.WriteStartArray("StoreEndpoints");
                foreach (var endpoint in _store.Endpoints)
                {
                    json.WriteStringValue(endpoint);
                }

                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
