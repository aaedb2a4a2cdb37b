using System.Collections.Generic;

namespace Constellation.Cluster.Vpn;

/// <summary>The VPN's peers at one version of the peer list.</summary>
/// <param name="Version">Grows with every change of the list (a publish that changes a peer, a removal); equal versions mean equal lists.</param>
/// <param name="Peers">Every peer, ordered by node name.</param>
public sealed record VpnPeerList(long Version, IReadOnlyList<VpnPeer> Peers);
