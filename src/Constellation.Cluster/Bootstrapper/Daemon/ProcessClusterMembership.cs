using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.ClusterServices;
using Constellation.Cluster.ClusterServices.Daemon;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
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
    private ClusterServicesProcess? _process;

    public ProcessClusterMembership(BootstrapperDaemonSettings settings, string diskUuid, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _settings = settings;
        _diskUuid = diskUuid;
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

    public async Task<byte[]> InitializeAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        if (_settings.AttestationConfig is null)
        {
            throw new ClusterException($"{BootstrapperDaemonSettings.Section}:AttestationConfig: expected the join policy file the cluster services admit nodes by, got none");
        }

        using var ca = ClusterCertificateAuthority.Create("kubernetes", _time.GetUtcNow());
        await ClusterServicesState.CreateAsync(Directory, masterSecret, ca, _settings.NodeName, StateDiskUuid.Parse(_diskUuid), cancellationToken).ConfigureAwait(false);
        await StartAsync(measurementSalt, cancellationToken).ConfigureAwait(false);
        using var kubernetes = new LocalKubernetesOperations(ClusterCertificateAuthority.FromPem(ca.ExportCertificatePem(), ca.ExportPrivateKeyPem()), $"{_settings.ListenAddress}:6443", _time);
        return kubernetes.CreateAdminKubeconfig(clusterName);
    }

    public Task JoinAsync(KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default) =>
        KubeletFiles.WriteAsync(_settings.StateDirectory, ticket, cancellationToken);

    public async Task ResumeAsync(NodeState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Role == NodeRole.ControlPlane && ClusterServicesState.Exists(Directory))
        {
            await StartAsync(state.MeasurementSalt, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            Changed?.Invoke();
        }
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
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
