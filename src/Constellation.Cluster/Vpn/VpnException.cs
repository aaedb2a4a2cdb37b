using System;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// The node VPN failed: a WireGuard tool refused a command, <c>wireguard-go</c> did not serve, the VPN API refused or
/// could not be reached, or a key file is unusable. Messages name the interface, peer or field; never a private key.
/// </summary>
public class VpnException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public VpnException()
        : base("A VPN operation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed.</param>
    public VpnException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying error.</param>
    public VpnException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
