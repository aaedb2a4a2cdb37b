using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// The VPN's IPv4 prefix and how addresses in it are handed out: the lowest free host address first (so the node that
/// initialised the cluster gets the first one), never the prefix's network or broadcast address.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class VpnAddressPool
{
    /// <summary>The default prefix, <c>10.118.0.0/16</c> (the prefix Constellation's earlier WireGuard VPN used).</summary>
    public static readonly VpnAddressPool Default = new(IPNetwork.Parse("10.118.0.0/16"));

    /// <summary>Creates a pool over <paramref name="prefix"/>.</summary>
    /// <param name="prefix">An IPv4 prefix of length 8 to 30.</param>
    /// <exception cref="ArgumentException">The prefix is not IPv4 or its length is outside 8–30.</exception>
    public VpnAddressPool(IPNetwork prefix)
    {
        if (prefix.BaseAddress.AddressFamily != AddressFamily.InterNetwork || prefix.PrefixLength is < 8 or > 30)
        {
            throw new ArgumentException($"VPN prefix: expected an IPv4 prefix of length 8 to 30, got {prefix}", nameof(prefix));
        }

        Prefix = prefix;
    }

    /// <summary>Gets the prefix.</summary>
    public IPNetwork Prefix { get; }

    /// <summary>Checks whether <paramref name="address"/> is a host address of the pool.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> if it is inside the prefix and neither its network nor its broadcast address.</returns>
    public bool IsHostAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!Prefix.Contains(address))
        {
            return false;
        }

        var offset = ToNumber(address) - ToNumber(Prefix.BaseAddress);
        return offset != 0 && offset != Size - 1;
    }

    /// <summary>Returns the lowest host address not in <paramref name="used"/>.</summary>
    /// <param name="used">The addresses already handed out.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ClusterException">Every host address is used.</exception>
    public IPAddress Allocate(IReadOnlySet<IPAddress> used)
    {
        ArgumentNullException.ThrowIfNull(used);
        var network = ToNumber(Prefix.BaseAddress);
        for (uint offset = 1; offset < Size - 1; offset++)
        {
            var candidate = FromNumber(network + offset);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new ClusterException($"VPN address pool {Prefix}: expected a free host address, got all {Size - 2} in use");
    }

    private uint Size => 1u << (32 - Prefix.PrefixLength);

    private static uint ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static IPAddress FromNumber(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
