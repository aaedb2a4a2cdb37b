using System;
using System.Buffers.Binary;
using System.Text;

namespace Constellation.Cluster.Bootstrapper.Join;

/// <summary>
/// An SSH public key as OpenSSH writes it to a <c>.pub</c> file (<c>&lt;type&gt; &lt;Base64&gt; [comment]</c>), turned
/// into the wire format (RFC 4253 §6.6) that the join request's <c>host_public_key</c> carries.
/// </summary>
internal static class SshHostKeyLine
{
    /// <summary>Decodes the key and checks that the algorithm named in the line is the one inside the key.</summary>
    /// <exception cref="ArgumentException">The line is not an OpenSSH public key line.</exception>
    public static byte[] ToWireFormat(string line, string optionName)
    {
        var parts = line.Trim().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new ArgumentException($"{optionName}: expected an OpenSSH public key line \"<type> <base64> [comment]\", got {parts.Length} field(s)", optionName);
        }

        byte[] wire;
        try
        {
            wire = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{optionName}: the key field is not Base64", optionName, ex);
        }

        string? inner = null;
        if (wire.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(wire) is var nameLength && nameLength <= wire.Length - 4L)
        {
            inner = Encoding.ASCII.GetString(wire, 4, (int)nameLength);
        }

        if (inner != parts[0])
        {
            throw new ArgumentException(
                $"{optionName}: the line names \"{parts[0]}\" but the key inside is {(inner is null ? "not an SSH wire-format key" : $"\"{inner}\"")}", optionName);
        }

        return wire;
    }
}
