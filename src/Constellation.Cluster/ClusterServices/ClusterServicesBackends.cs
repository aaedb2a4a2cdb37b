using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.ClusterServices;

/// <summary>
/// Where a cluster-services replica keeps what it shares with the other replicas: the node registry and the VPN peers.
/// A replica on the cluster store passes the store's; <see langword="null"/> members mean the single-node defaults (the
/// registry file of the state directory; no VPN API).
/// </summary>
/// <param name="NodeNames">The name ↔ disk registry, or <see langword="null"/> for the state directory's file.</param>
/// <param name="VpnPeers">The VPN peer directory the VPN API serves on <see cref="ClusterServicesOptions.VpnApiPort"/>, or <see langword="null"/> for no VPN API.</param>
/// <param name="BootstrapTokens">Where issued bootstrap tokens are recorded (leases on the store), or <see langword="null"/> to keep them in memory.</param>
internal sealed record ClusterServicesBackends(INodeNameRegistry? NodeNames, IVpnPeerDirectory? VpnPeers, Store.StoreBootstrapTokens? BootstrapTokens = null)
{
    /// <summary>The single-node defaults.</summary>
    public static readonly ClusterServicesBackends Files = new(null, null);
}
