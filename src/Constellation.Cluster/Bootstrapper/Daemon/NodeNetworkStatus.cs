namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>What the status file says of a node's place in the cluster network.</summary>
/// <param name="VpnAddress">The node's VPN address, or <see langword="null"/> before it joined the VPN (or without one).</param>
/// <param name="VpnPeers">How many VPN peers it had a WireGuard handshake with at the last count.</param>
/// <param name="EtcdMember">Whether its etcd member runs and answered since it last started.</param>
public sealed record NodeNetworkStatus(string? VpnAddress, int VpnPeers, bool EtcdMember)
{
    /// <summary>A node outside any VPN and store.</summary>
    public static readonly NodeNetworkStatus None = new(null, 0, false);
}
