namespace Constellation.Cluster.Vpn;

/// <summary>How a <see cref="WireGuardInterface"/> is created.</summary>
public sealed class WireGuardInterfaceOptions
{
    /// <summary>The longest Linux interface name (IFNAMSIZ − 1).</summary>
    public const int MaxNameLength = 15;

    /// <summary>
    /// Gets or sets the interface name (at most 15 characters of <c>[a-zA-Z0-9_-]</c>). It must be unique on the
    /// machine, not only in the namespace: <c>wireguard-go</c>'s control sockets share <c>/var/run/wireguard/</c>.
    /// </summary>
    public string Name { get; set; } = "wg-cstl0";

    /// <summary>Gets or sets the UDP port WireGuard listens on (the port of the node's published endpoint).</summary>
    public int ListenPort { get; set; } = 51820;

    /// <summary>
    /// Gets or sets the network namespace to run in through <c>ip netns exec</c>, for a host that runs several nodes
    /// (tests, a local cluster); <see langword="null"/> (the default) is the caller's namespace.
    /// </summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Gets or sets the <c>ip</c> executable (iproute2).</summary>
    public string IpPath { get; set; } = "ip";

    /// <summary>Gets or sets the <c>wg</c> executable (wireguard-tools).</summary>
    public string WgPath { get; set; } = "wg";

    /// <summary>Gets or sets the <c>wireguard-go</c> executable, used when the kernel has no WireGuard.</summary>
    public string WireGuardGoPath { get; set; } = "wireguard-go";

    /// <summary>Gets or sets the directory of <c>wireguard-go</c>'s control sockets (its compiled-in default).</summary>
    public string SocketDirectory { get; set; } = "/var/run/wireguard";
}
