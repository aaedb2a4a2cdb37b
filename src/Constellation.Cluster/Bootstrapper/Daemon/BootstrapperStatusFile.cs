using System;
using System.IO;
using System.Text.Json;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// <c>&lt;StateDirectory&gt;/status.json</c>, replaced whole on every change (what <c>constellation mini status</c> reads):
/// <c>{"name","role":"control-plane"|"worker","state":"awaiting-init|joining|rejoining|recovering|initialized|joined|failed",
/// "clusterId"?,"pid","initEndpoint","verifyEndpoint","verifyHttpEndpoint","recoveryEndpoint"?,"joinEndpoint"?,
/// "clusterServicesPid"?,"error"?}</c>. Members marked ? are left out when they do not apply. Never a secret, no disk UUID.
/// </summary>
public static class BootstrapperStatusFile
{
    /// <summary>The file name in the state directory.</summary>
    public const string FileName = "status.json";

    /// <summary>Serialises a status.</summary>
    /// <param name="status">The node's status.</param>
    /// <param name="joinEndpoint">The join service endpoint while this node's cluster services serve.</param>
    /// <param name="clusterServicesPid">The cluster services' PID while they run.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(BootstrapperStatus status, string? joinEndpoint, int? clusterServicesPid) =>
        Serialize(status, joinEndpoint, clusterServicesPid, NodeNetworkStatus.None);

    /// <summary>Serialises a status with the node's network part (<c>vpnIp</c> when it has one, <c>peers</c>, <c>etcdMember</c>).</summary>
    /// <param name="status">The node's status.</param>
    /// <param name="joinEndpoint">The join service endpoint while this node's cluster services serve.</param>
    /// <param name="clusterServicesPid">The cluster services' PID while they run.</param>
    /// <param name="network">The node's VPN and store membership.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(BootstrapperStatus status, string? joinEndpoint, int? clusterServicesPid, NodeNetworkStatus network)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(status);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("name", status.NodeName);
            json.WriteString("role", status.Role == NodeRole.ControlPlane ? "control-plane" : "worker");
            json.WriteString("state", StateName(status.State));
            if (status.ClusterId is { } clusterId)
            {
                json.WriteString("clusterId", Convert.ToHexStringLower(clusterId.Span));
            }

            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("initEndpoint", status.InitEndpoint);
            json.WriteString("verifyEndpoint", status.VerifyEndpoint);
            json.WriteString("verifyHttpEndpoint", status.VerifyHttpEndpoint);
            WriteOptional(json, "recoveryEndpoint", status.RecoveryEndpoint);
            WriteOptional(json, "joinEndpoint", joinEndpoint);
            if (clusterServicesPid is { } pid)
            {
                json.WriteNumber("clusterServicesPid", pid);
            }

            WriteOptional(json, "vpnIp", network.VpnAddress);
            json.WriteNumber("peers", network.VpnPeers);
            json.WriteBoolean("etcdMember", network.EtcdMember);
            WriteOptional(json, "error", status.Error);
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Writes the file atomically (mode 0644).</summary>
    /// <param name="path">The file.</param>
    /// <param name="status">The node's status.</param>
    /// <param name="joinEndpoint">The join service endpoint while this node's cluster services serve.</param>
    /// <param name="clusterServicesPid">The cluster services' PID while they run.</param>
    public static void Write(string path, BootstrapperStatus status, string? joinEndpoint, int? clusterServicesPid) =>
        Write(path, status, joinEndpoint, clusterServicesPid, NodeNetworkStatus.None);

    /// <summary>Writes the file atomically (mode 0644), with the node's network part.</summary>
    /// <param name="path">The file.</param>
    /// <param name="status">The node's status.</param>
    /// <param name="joinEndpoint">The join service endpoint while this node's cluster services serve.</param>
    /// <param name="clusterServicesPid">The cluster services' PID while they run.</param>
    /// <param name="network">The node's VPN and store membership.</param>
    public static void Write(string path, BootstrapperStatus status, string? joinEndpoint, int? clusterServicesPid, NodeNetworkStatus network) =>
        AtomicFile.Replace(path, Serialize(status, joinEndpoint, clusterServicesPid, network), AtomicFile.Readable);

    /// <summary>The status file's name of a state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>E.g. <c>awaiting-init</c>.</returns>
    public static string StateName(BootstrapperState state) => state switch
    {
        BootstrapperState.AwaitingInit => "awaiting-init",
        BootstrapperState.Joining => "joining",
        BootstrapperState.Rejoining => "rejoining",
        BootstrapperState.Recovering => "recovering",
        BootstrapperState.Initialized => "initialized",
        BootstrapperState.Joined => "joined",
        BootstrapperState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a bootstrapper state"),
    };

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
