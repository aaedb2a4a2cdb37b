using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.JoinService.Join;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// The settings of <c>constellation-bootstrapper</c> (section <see cref="Section"/>), read and checked at start; any
/// problem is a <see cref="ClusterConfigurationException"/> naming the setting. See <c>docs/hosts.md</c> for each key.
/// </summary>
public sealed class BootstrapperDaemonSettings
{
    /// <summary>The configuration section (and the environment prefix <c>CONSTELLATION_BOOTSTRAPPER__</c>).</summary>
    public const string Section = "Bootstrapper";

    /// <summary>The default size of a state disk image the daemon creates.</summary>
    public const int DefaultStateDiskSizeMiB = 64;

    private BootstrapperDaemonSettings()
    {
    }

    /// <summary>Gets the keys that hold lists (a JSON array, a comma-separated value, or a repeated flag).</summary>
    public static IReadOnlyList<string> ListKeys { get; } = ["JoinEndpoints", "ControlPlaneNodeNames"];

    /// <summary>
    /// Gets the keys a per-node metadata file (<c>--metadata</c>, a VM's unmeasured metadata disk) may set: who the node
    /// is and whom it talks to, never what the measured configuration decides (variant, init secret, TPM, disks, policy).
    /// </summary>
    public static IReadOnlyList<string> MetadataKeys { get; } = ["NodeName", "ListenAddress", "ControlPlane", "JoinEndpoints", "ControlPlaneNodeNames"];

    /// <summary>Gets every key of the section.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Variant", "Tpm", "EventLog", "StateDirectory", "StateDisk", "StateDiskSizeMiB", "MapStateDisk", "StateDiskMapping", "ListenAddress", "NodeName",
        "JoinEndpoints", "ControlPlane", "ClusterServicesPath", "ControlPlaneNodeNames", "InitSecretHash", "AttestationConfig",
        "InitPort", "VerifyGrpcPort", "VerifyHttpPort", "RecoveryPort", "JoinServicePort", "RetryIntervalSeconds", "LogLevel",
        "ClusterStore", "EtcdPath", "EtcdClientPort", "EtcdPeerPort", "AdminServicePort",
        "Vpn", "VpnInterface", "VpnPort", "VpnApiPort", "VpnPollSeconds",
    ];

    /// <summary>
    /// Gets whether the cluster keeps its state on etcd: every control plane runs an etcd member (the first starts the
    /// cluster, the others join it) and a cluster-services replica on it, and serves the admin API.
    /// </summary>
    public bool ClusterStore { get; private init; }

    /// <summary>Gets the etcd executable.</summary>
    public string EtcdPath { get; private init; } = "etcd";

    /// <summary>Gets the etcd member's client port on <see cref="ListenAddress"/>.</summary>
    public int EtcdClientPort { get; private init; } = 2379;

    /// <summary>Gets the etcd member's peer port on <see cref="ListenAddress"/>.</summary>
    public int EtcdPeerPort { get; private init; } = 2380;

    /// <summary>Gets the admin API's port on control planes (with <see cref="ClusterStore"/>).</summary>
    public int AdminServicePort { get; private init; } = 30092;

    /// <summary>Gets whether the node joins the cluster's WireGuard VPN once it is a member.</summary>
    public bool Vpn { get; private init; }

    /// <summary>Gets the WireGuard interface name (unique per machine: wireguard-go's sockets share one directory).</summary>
    public string VpnInterface { get; private init; } = "wg-cstl0";

    /// <summary>Gets the WireGuard listen port on <see cref="ListenAddress"/>.</summary>
    public int VpnPort { get; private init; } = 51820;

    /// <summary>Gets the VPN API's port on control planes.</summary>
    public int VpnApiPort { get; private init; } = 30093;

    /// <summary>Gets how often the node polls the VPN API for peer updates.</summary>
    public TimeSpan VpnPollInterval { get; private init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets the other control planes' hosts, from <see cref="JoinEndpoints"/> (each runs its join service, VPN API, admin
    /// API and etcd member on its node address), without this node's own address, each once.
    /// </summary>
    internal IReadOnlyList<string> ControlPlaneHosts =>
        [.. JoinEndpoints.Select(e => e[..e.LastIndexOf(':')]).Where(host => host != ListenAddress.ToString()).Distinct(StringComparer.Ordinal)];

    /// <summary>Gets the attestation variant the node issues.</summary>
    public AttestationVariant Variant { get; private init; } = AttestationVariant.Dummy;

    /// <summary>Gets where the TPM is (<c>/dev/tpmrm0</c>, <c>swtpm:unix:&lt;path&gt;</c>, <c>swtpm:tcp:&lt;host&gt;:&lt;port&gt;</c>), or <see langword="null"/> for dummy.</summary>
    public string? Tpm => TpmEndpoint?.ToString();

    /// <summary>Gets the TCG event log file the issuer sends, or <see langword="null"/> (the kernel's for a TPM device, none for swtpm).</summary>
    public string? EventLog { get; private init; }

    /// <summary>Gets the node's state directory.</summary>
    public string StateDirectory { get; private init; } = string.Empty;

    /// <summary>Gets the state disk (image file or block device).</summary>
    public string StateDisk { get; private init; } = string.Empty;

    /// <summary>Gets the size of a state disk image the daemon creates (only under <see cref="StateDirectory"/>).</summary>
    public int StateDiskSizeMiB { get; private init; } = DefaultStateDiskSizeMiB;

    /// <summary>Gets whether the unlocked disk is mapped with device-mapper: <see langword="null"/> = when the kernel has it.</summary>
    public bool? MapStateDisk { get; private init; }

    /// <summary>Gets the device-mapper name of the unlocked disk (<c>/dev/mapper/&lt;name&gt;</c>): <c>state</c> as in Constellation's images; default <c>constellation-&lt;NodeName&gt;</c>, unique among the nodes of one machine.</summary>
    public string StateDiskMapping { get; private init; } = string.Empty;

    /// <summary>Gets the address the node's public endpoints bind.</summary>
    public IPAddress ListenAddress { get; private init; } = IPAddress.Loopback;

    /// <summary>Gets the node's name.</summary>
    public string NodeName { get; private init; } = string.Empty;

    /// <summary>Gets the join service endpoints (<c>host:port</c>), in order.</summary>
    public IReadOnlyList<string> JoinEndpoints { get; private init; } = [];

    /// <summary>Gets whether the node is a control-plane node.</summary>
    public bool ControlPlane { get; private init; }

    /// <summary>Gets the cluster-services executable (a <c>.dll</c> run with <c>dotnet</c>, or an apphost).</summary>
    public string ClusterServicesPath { get; private init; } = string.Empty;

    /// <summary>Gets the node names the cluster services admit as control planes.</summary>
    public IReadOnlyList<string> ControlPlaneNodeNames { get; private init; } = [];

    /// <summary>Gets the bcrypt hash of the init secret.</summary>
    public string InitSecretHash { get; private init; } = string.Empty;

    /// <summary>Gets the join policy file the cluster services watch (join-config <c>attestationConfig</c>), or <see langword="null"/>.</summary>
    public string? AttestationConfig { get; private init; }

    /// <summary>Gets the init server port.</summary>
    public int InitPort { get; private init; }

    /// <summary>Gets the verification service's gRPC port.</summary>
    public int VerifyGrpcPort { get; private init; }

    /// <summary>Gets the verification service's HTTP port.</summary>
    public int VerifyHttpPort { get; private init; }

    /// <summary>Gets the recovery server port.</summary>
    public int RecoveryPort { get; private init; }

    /// <summary>Gets the join service port when this node runs the cluster services.</summary>
    public int JoinServicePort { get; private init; }

    /// <summary>Gets the join client's retry interval and the rejoin client's longest wait.</summary>
    public TimeSpan RetryInterval { get; private init; }

    /// <summary>Gets the lowest level logged.</summary>
    public LogLevel LogLevel { get; private init; }

    internal TpmEndpoint? TpmEndpoint { get; private init; }

    /// <summary>Gets the node's variant with what this node offers it (checked: the node can issue it).</summary>
    internal NodeVariant NodeVariant { get; private init; } = null!;

    private static string StateDiskMappingName(DaemonSettings s, string nodeName)
    {
        var name = s.Text("StateDiskMapping") ?? "constellation-" + nodeName;

        // A device-mapper name: at most 127 bytes, no '/' (it is a path under /dev/mapper), nothing cryptsetup would parse.
        return name.Length is > 0 and <= 127 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name is not ("." or "..")
            ? name
            : throw new ClusterConfigurationException(s.Name("StateDiskMapping"), "a device-mapper name of 1 to 127 letters, digits, '-', '_' or '.'", DaemonSettings.Quote(name));
    }

    /// <summary>Reads and checks the settings.</summary>
    /// <param name="configuration">The configuration (the daemon reads section <see cref="Section"/>).</param>
    /// <param name="defaultClusterServicesPath">The cluster-services executable beside the bootstrapper.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ClusterConfigurationException">A setting is missing or invalid.</exception>
    public static BootstrapperDaemonSettings Read(IConfiguration configuration, string defaultClusterServicesPath)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(defaultClusterServicesPath);
        var s = new DaemonSettings(configuration.GetSection(Section), Keys);
        var (nodeVariant, endpoint, eventLog) = DaemonSettingValues.ReadNodeVariant(s);
        var definition = nodeVariant.Definition;
        var stateDirectory = s.RequiredPath("StateDirectory");

        var stateDisk = s.Path("StateDisk", Path.Combine(stateDirectory, "state-disk.img"))!;
        if (!File.Exists(stateDisk) && !IsUnder(stateDisk, stateDirectory))
        {
            throw new ClusterConfigurationException(
                s.Name("StateDisk"), "an existing image file or block device (an image is created only under StateDirectory)", $"{DaemonSettings.Quote(stateDisk)}, which does not exist");
        }

        var nodeName = s.RequiredText("NodeName", "a Kubernetes node name");
        if (!KubernetesNodeName.IsValid(nodeName, out var nameProblem))
        {
            throw new ClusterConfigurationException($"{s.Name("NodeName")}: expected {nameProblem} in {DaemonSettings.Quote(nodeName)}");
        }

        var initSecretHash = s.RequiredText("InitSecretHash", "the bcrypt hash of the node's init secret");
        if (!Init.InitSecretHash.IsWellFormed(initSecretHash))
        {
            throw new ClusterConfigurationException(s.Name("InitSecretHash"), "a bcrypt string $2a$NN$<53 characters>", $"{initSecretHash.Length} characters that are not one");
        }

        var controlPlane = s.Switch("ControlPlane", false);
        var clusterServices = s.Path("ClusterServicesPath", defaultClusterServicesPath)!;
        if (controlPlane && !File.Exists(clusterServices))
        {
            throw new ClusterConfigurationException(
                s.Name("ClusterServicesPath"), "the constellation-cluster-services executable or .dll (a control-plane node starts it)", $"{DaemonSettings.Quote(clusterServices)}, which does not exist");
        }

        var attestationConfig = s.ExistingFile("AttestationConfig");
        if (controlPlane && attestationConfig is null)
        {
            throw new ClusterConfigurationException(
                s.Name("AttestationConfig"), "the join policy file (join-config attestationConfig; a control-plane node that initialises the cluster runs the join service with it)", "nothing");
        }

        var mapping = s.Text("MapStateDisk") switch
        {
            null or "auto" => (bool?)null,
            "true" => true,
            "false" => false,
            var other => throw new ClusterConfigurationException(s.Name("MapStateDisk"), "auto, true or false", DaemonSettings.Quote(other)),
        };
        if (mapping == true && !DeviceMapper.IsAvailable())
        {
            throw new ClusterConfigurationException(s.Name("MapStateDisk"), "auto or false on a kernel without device-mapper", "true");
        }

        if (s.Switch("Vpn", false) && !s.Switch("ClusterStore", false))
        {
            // The VPN API and the peer list are the store's: without it no node could publish its key.
            throw new ClusterConfigurationException(s.Name("Vpn"), "false, or true together with ClusterStore (the VPN peers live in the cluster store)", "true without ClusterStore");
        }

        return new BootstrapperDaemonSettings
        {
            Variant = definition.Variant,
            NodeVariant = nodeVariant,
            TpmEndpoint = endpoint,
            EventLog = eventLog,
            StateDirectory = stateDirectory,
            StateDisk = stateDisk,
            StateDiskSizeMiB = s.Number("StateDiskSizeMiB", DefaultStateDiskSizeMiB, StateDiskImage.MinimumSizeMiB, 1024 * 1024, $"a size in MiB from {StateDiskImage.MinimumSizeMiB}"),
            MapStateDisk = mapping,
            StateDiskMapping = StateDiskMappingName(s, nodeName),
            ListenAddress = s.Address("ListenAddress", IPAddress.Loopback),
            NodeName = nodeName,
            JoinEndpoints = DaemonSettingValues.Endpoints(s, "JoinEndpoints"),
            ControlPlane = controlPlane,
            ClusterServicesPath = clusterServices,
            ControlPlaneNodeNames = DaemonSettingValues.NodeNames(s, "ControlPlaneNodeNames"),
            InitSecretHash = initSecretHash,
            AttestationConfig = attestationConfig,
            InitPort = s.Port("InitPort", 9000),
            VerifyGrpcPort = s.Port("VerifyGrpcPort", 30081),
            VerifyHttpPort = s.Port("VerifyHttpPort", 30080),
            RecoveryPort = s.Port("RecoveryPort", 9999),
            JoinServicePort = s.Port("JoinServicePort", 30090),
            RetryInterval = s.Seconds("RetryIntervalSeconds", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)),
            LogLevel = DaemonSettingValues.LogLevel(s),
            ClusterStore = s.Switch("ClusterStore", false),
            EtcdPath = s.Text("EtcdPath") ?? "etcd",
            EtcdClientPort = s.Port("EtcdClientPort", 2379),
            EtcdPeerPort = s.Port("EtcdPeerPort", 2380),
            AdminServicePort = s.Port("AdminServicePort", 30092),
            Vpn = s.Switch("Vpn", false),
            VpnInterface = VpnInterfaceName(s),
            VpnPort = s.Port("VpnPort", 51820),
            VpnApiPort = s.Port("VpnApiPort", 30093),
            VpnPollInterval = s.Seconds("VpnPollSeconds", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100)),
        };
    }

    private static string VpnInterfaceName(DaemonSettings s)
    {
        var name = s.Text("VpnInterface") ?? "wg-cstl0";
        if (name.Length is 0 or > Constellation.Cluster.Vpn.WireGuardInterfaceOptions.MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ClusterConfigurationException(s.Name("VpnInterface"), $"an interface name of 1 to {Constellation.Cluster.Vpn.WireGuardInterfaceOptions.MaxNameLength} letters, digits, '-' or '_'", DaemonSettings.Quote(name));
        }

        return name;
    }

    private static bool IsUnder(string path, string directory) =>
        Path.GetFullPath(path).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}

/// <summary>Values both daemons read the same way.</summary>
internal static class DaemonSettingValues
{
    /// <summary>The variant the <c>Variant</c> setting names: a name or OID of the variant registry.</summary>
    public static AttestationVariantDefinition Variant(DaemonSettings s)
    {
        var registry = AttestationVariantRegistry.Default;
        var expected = "a variant of the registry: " + string.Join(", ", registry.Variants.Select(v => v.Name));
        var name = s.RequiredText("Variant", expected);
        return registry.TryParse(name, out var definition)
            ? definition
            : throw new ClusterConfigurationException(s.Name("Variant"), expected, DaemonSettings.Quote(name));
    }

    /// <summary>
    /// The variant the node issues (<c>Variant</c>) with what the node offers it: the TPM of <c>Tpm</c> and the event
    /// log of <c>EventLog</c>; checked: the node can issue it, and a TPM it does not use is a mistake.
    /// </summary>
    public static (NodeVariant Variant, TpmEndpoint? Tpm, string? EventLog) ReadNodeVariant(DaemonSettings s)
    {
        var definition = Variant(s);
        var tpm = s.Text("Tpm");
        TpmEndpoint? endpoint = null;
        if (tpm is not null && !TpmEndpoint.TryParse(tpm, out endpoint))
        {
            throw new ClusterConfigurationException(s.Name("Tpm"), TpmEndpoint.Expected, DaemonSettings.Quote(tpm));
        }

        var eventLog = s.ExistingFile("EventLog");
        if (eventLog is not null && endpoint is null)
        {
            throw new ClusterConfigurationException(s.Name("EventLog"), "an event log only with a TPM (the Tpm setting)", DaemonSettings.Quote(eventLog));
        }

        return (CheckNodeVariant(s, NodeVariant.For(definition, endpoint, eventLog), tpm), endpoint, eventLog);
    }

    public static IReadOnlyList<string> Endpoints(DaemonSettings s, string key)
    {
        var endpoints = s.List(key);
        foreach (var endpoint in endpoints)
        {
            var colon = endpoint.LastIndexOf(':');
            var host = colon > 0 ? endpoint[..colon].Trim('[', ']') : string.Empty;
            if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535 || (Uri.CheckHostName(host) == UriHostNameType.Unknown))
            {
                throw new ClusterConfigurationException(s.Name(key), "a list of host:port", DaemonSettings.Quote(endpoint));
            }
        }

        return endpoints;
    }

    public static IReadOnlyList<string> NodeNames(DaemonSettings s, string key)
    {
        var names = s.List(key);
        foreach (var name in names)
        {
            if (!KubernetesNodeName.IsValid(name, out var problem))
            {
                throw new ClusterConfigurationException($"{s.Name(key)}: expected a list of Kubernetes node names: {problem} in {DaemonSettings.Quote(name)}");
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    public static LogLevel LogLevel(DaemonSettings s)
    {
        var text = s.Text("LogLevel");
        if (text is null)
        {
            return Microsoft.Extensions.Logging.LogLevel.Information;
        }

        return Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level
            : throw new ClusterConfigurationException(s.Name("LogLevel"), "Trace, Debug, Information, Warning, Error, Critical or None", DaemonSettings.Quote(text));
    }

    // The variant must be one this node can issue, with a cluster-ID register it can extend; a TPM it does not use is a mistake.
    private static NodeVariant CheckNodeVariant(DaemonSettings s, NodeVariant variant, string? tpm)
    {
        var name = variant.Definition.Variant.Name;
        if (variant.Capability is { IsAvailable: false } missing)
        {
            throw missing.MissingService == nameof(VariantIssuerServices.OpenTpm) && tpm is null
                ? new ClusterConfigurationException(s.Name("Tpm"), $"a TPM ({TpmEndpoint.Expected}): {missing.Reason}", $"nothing (required for {name})")
                : new ClusterConfigurationException(s.Name("Variant"), "a variant this node can issue and whose cluster-ID register it can extend", $"{name}, which it cannot: {missing.Reason}");
        }

        if (tpm is not null && !variant.UsesTpm)
        {
            throw new ClusterConfigurationException(
                s.Name("Tpm"), $"no TPM for the {name} variant (neither its issuer nor its cluster-ID register uses one)", DaemonSettings.Quote(tpm));
        }

        return variant;
    }
}
