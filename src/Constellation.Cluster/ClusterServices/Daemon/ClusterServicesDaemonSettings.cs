using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.Daemon;
using Constellation.Cluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.ClusterServices.Daemon;

/// <summary>
/// The settings of <c>constellation-cluster-services</c> (section <see cref="Section"/>), read and checked at start;
/// any problem is a <see cref="ClusterConfigurationException"/> naming the setting. The bootstrapper writes them into
/// the cluster services' state directory when it starts them; see <c>docs/hosts.md</c> for each key.
/// </summary>
public sealed class ClusterServicesDaemonSettings
{
    /// <summary>The configuration section (and the environment prefix <c>CONSTELLATION_CLUSTERSERVICES__</c>).</summary>
    public const string Section = "ClusterServices";

    /// <summary>The name of the status file in the state directory.</summary>
    public const string StatusFileName = "status.json";

    private ClusterServicesDaemonSettings()
    {
    }

    /// <summary>Gets the keys that hold lists (a JSON array, a comma-separated value, or a repeated flag).</summary>
    public static IReadOnlyList<string> ListKeys { get; } = ["ControlPlaneNodeNames", "StoreEndpoints"];

    /// <summary>Gets every key of the section.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Variant", "StateDirectory", "ListenAddress", "JoinServicePort", "KeyServiceListenAddress", "KeyServicePort", "AttestationConfig",
        "MeasurementSalt", "ControlPlaneNodeNames", "ParentProcessId", "PolicyPollSeconds", "LogLevel",
        "NodeName", "StoreEndpoints", "VpnApiPort", "AdminServicePort",
    ];

    /// <summary>Gets the variant the join service admits.</summary>
    public AttestationVariant Variant { get; private init; } = AttestationVariant.Dummy;

    /// <summary>Gets the state directory (<see cref="ClusterServicesState"/>, the status file).</summary>
    public string StateDirectory { get; private init; } = string.Empty;

    /// <summary>Gets the services' settings.</summary>
    public ClusterServicesOptions Services { get; } = new();

    /// <summary>Gets the join policy file, watched (join-config <c>attestationConfig</c>).</summary>
    public string AttestationConfig { get; private init; } = string.Empty;

    /// <summary>Gets the process whose exit stops this one (the bootstrapper that started it), or <see langword="null"/>.</summary>
    public int? ParentProcessId { get; private init; }

    /// <summary>Gets how often the policy file is re-read without a change event.</summary>
    public TimeSpan PolicyPollInterval { get; private init; }

    /// <summary>Gets the node this replica runs on (its record in the store's replica registry), or <see langword="null"/> without a store.</summary>
    public string? NodeName { get; private init; }

    /// <summary>
    /// Gets the etcd members' client endpoints (<c>IP:port</c>, tried in turn): the replica keeps the node registry, the
    /// join policy and the VPN peers there and serves the VPN API. Empty: the single-node files of the state directory.
    /// </summary>
    public IReadOnlyList<string> StoreEndpoints { get; private init; } = [];

    /// <summary>Gets the lowest level logged.</summary>
    public LogLevel LogLevel { get; private init; }

    /// <summary>Gets the status file.</summary>
    public string StatusFile => System.IO.Path.Combine(StateDirectory, StatusFileName);

    /// <summary>Reads and checks the settings.</summary>
    /// <param name="configuration">The configuration (the daemon reads section <see cref="Section"/>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ClusterConfigurationException">A setting is missing or invalid.</exception>
    public static ClusterServicesDaemonSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var s = new DaemonSettings(configuration.GetSection(Section), Keys);
        var variant = DaemonSettingValues.Variant(s).Variant;
        var stateDirectory = s.RequiredPath("StateDirectory");
        if (!ClusterServicesState.Exists(stateDirectory))
        {
            throw new ClusterConfigurationException(
                s.Name("StateDirectory"), $"the cluster services' state ({ClusterServicesState.MasterSecretFileName}, {ClusterServicesState.CaCertificateFileName}, {ClusterServicesState.CaKeyFileName}) created at init", $"{DaemonSettings.Quote(stateDirectory)} without it");
        }

        var attestationConfig = s.ExistingFile("AttestationConfig")
            ?? throw new ClusterConfigurationException(s.Name("AttestationConfig"), "the join policy file (join-config attestationConfig)", "nothing (the setting is required)");
        var saltText = s.RequiredText("MeasurementSalt", "the cluster's 32-byte measurement salt in Base64");
        var salt = new byte[32];
        if (!Convert.TryFromBase64String(saltText, salt, out var written) || written != 32)
        {
            throw new ClusterConfigurationException(s.Name("MeasurementSalt"), "32 bytes in Base64", $"{saltText.Length} characters that are not");
        }

        using (var validators = JoinServiceValidators.Create(stateDirectory, variant, NullLoggerFactory.Instance))
        {
            if (validators.Capability is { IsAvailable: false } missing)
            {
                throw new ClusterConfigurationException(s.Name("Variant"), "a variant the join service can validate here", $"{variant.Name}, which it cannot: {missing.Reason}");
            }
        }

        var storeEndpoints = DaemonSettingValues.Endpoints(s, "StoreEndpoints");
        string? nodeName = null;
        if (storeEndpoints.Count > 0)
        {
            nodeName = s.RequiredText("NodeName", "the node this replica runs on (a replica on the store registers under it)");
            if (!Constellation.Cluster.JoinService.Join.KubernetesNodeName.IsValid(nodeName, out var nameProblem))
            {
                throw new ClusterConfigurationException($"{s.Name("NodeName")}: expected {nameProblem} in {DaemonSettings.Quote(nodeName)}");
            }

            if (!File.Exists(Path.Combine(stateDirectory, ClusterServicesState.EtcdCaCertificateFileName)))
            {
                throw new ClusterConfigurationException(
                    s.Name("StoreEndpoints"), $"a state directory with the etcd CA ({ClusterServicesState.EtcdCaCertificateFileName}) the store's client certificate comes from", $"{DaemonSettings.Quote(stateDirectory)} without it");
            }
        }

        var parentText = s.Text("ParentProcessId");
        var settings = new ClusterServicesDaemonSettings
        {
            Variant = variant,
            StateDirectory = stateDirectory,
            AttestationConfig = attestationConfig,
            ParentProcessId = parentText is null ? null : s.Number("ParentProcessId", 0, 1, int.MaxValue, "a process ID"),
            PolicyPollInterval = s.Seconds("PolicyPollSeconds", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)),
            LogLevel = DaemonSettingValues.LogLevel(s),
            NodeName = nodeName,
            StoreEndpoints = storeEndpoints,
        };
        settings.Services.StateDirectory = stateDirectory;
        settings.Services.ListenAddress = s.Address("ListenAddress", IPAddress.Loopback);
        settings.Services.JoinServicePort = s.Port("JoinServicePort", 30090);
        settings.Services.KeyServiceListenAddress = s.Address("KeyServiceListenAddress", IPAddress.Loopback);
        settings.Services.KeyServicePort = s.Port("KeyServicePort", 0);
        settings.Services.AdminServicePort = s.Port("AdminServicePort", 30092);
        settings.Services.VpnApiPort = s.Port("VpnApiPort", 30093);
        settings.Services.MeasurementSalt = salt;
        settings.Services.ControlPlaneNodeNames.UnionWith(DaemonSettingValues.NodeNames(s, "ControlPlaneNodeNames"));
        return settings;
    }
}
