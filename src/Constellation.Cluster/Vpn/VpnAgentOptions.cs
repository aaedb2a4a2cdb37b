using System;
using System.Collections.Generic;

namespace Constellation.Cluster.Vpn;

/// <summary>Settings of a node's <see cref="VpnAgent"/>.</summary>
public sealed class VpnAgentOptions
{
    /// <summary>Gets or sets the directory of the node's WireGuard private key (<see cref="WireGuardKeyPair.FileName"/>, mode 0600).</summary>
    public string KeyDirectory { get; set; } = string.Empty;

    /// <summary>Gets the node's WireGuard interface (name, listen port, namespace, tools).</summary>
    public WireGuardInterfaceOptions Interface { get; } = new();

    /// <summary>Gets or sets where the other nodes reach this node's WireGuard port on the underlay, <c>IPv4:port</c>.</summary>
    public string PublicEndpoint { get; set; } = string.Empty;

    /// <summary>Gets the VPN API endpoints (<c>host:port</c>), tried in turn.</summary>
    public IList<string> ApiEndpoints { get; } = new List<string>();

    /// <summary>Gets or sets how often the agent polls for peer updates (default 2 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long one VPN API call may take (default 10 s).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the VPN's address pool (its prefix length is the interface's); <see cref="VpnAddressPool.Default"/> by default.</summary>
    public VpnAddressPool AddressPool { get; set; } = VpnAddressPool.Default;
}
