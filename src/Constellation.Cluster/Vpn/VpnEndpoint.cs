using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Constellation.Cluster.Vpn;

/// <summary>The form of a node's published WireGuard endpoint: <c>IPv4:port</c>, a unicast host address, port 1–65535.</summary>
internal static class VpnEndpoint
{
    public static bool IsValid(string? text, [NotNullWhen(false)] out string? problem)
    {
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0)
        {
            problem = "no IPv4:port";
            return false;
        }

        var host = text[..colon];
        if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != AddressFamily.InterNetwork || address.ToString() != host)
        {
            problem = "a host part that is not an IPv4 address in dotted decimal";
            return false;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.Broadcast) || (address.GetAddressBytes()[0] & 0xF0) == 0xE0)
        {
            problem = "an address that is not a unicast host address";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535 ||
            port.ToString(CultureInfo.InvariantCulture) != text[(colon + 1)..])
        {
            problem = "a port that is not 1 to 65535 in decimal";
            return false;
        }

        problem = null;
        return true;
    }
}
