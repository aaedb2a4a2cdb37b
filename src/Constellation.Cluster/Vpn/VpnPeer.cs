using System.Net;

namespace Constellation.Cluster.Vpn;

/// <summary>One node of the cluster's WireGuard VPN, as the cluster store records it and the VPN API hands it out.</summary>
/// <param name="NodeName">The node's Kubernetes node name (the name its node certificate was issued for).</param>
/// <param name="PublicKey">The node's WireGuard public key in WireGuard's text form (Base64 of 32 bytes).</param>
/// <param name="Endpoint">Where the node's WireGuard interface listens on the underlay, <c>IP:port</c>.</param>
/// <param name="VpnAddress">The node's address inside the VPN (allocated once per node name).</param>
public sealed record VpnPeer(string NodeName, string PublicKey, string Endpoint, IPAddress VpnAddress);
