using System;
using System.Buffers.Binary;
using System.Text;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.JoinService.Ssh;

/// <summary>An SSH public key in wire format (RFC 4253 §6.6): its algorithm name and the key fields that follow it.</summary>
internal sealed class SshPublicKey
{
    private static readonly string[] SupportedTypes = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];

    private SshPublicKey(string type, byte[] fields)
    {
        Type = type;
        Fields = fields;
    }

    /// <summary>Gets the algorithm name, e.g. <c>ssh-ed25519</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the wire-encoded key fields after the algorithm name (certificates embed exactly these).</summary>
    public byte[] Fields { get; }

    /// <summary>Reads a wire-format public key as the join request's <c>host_public_key</c> carries it.</summary>
    /// <exception cref="MalformedJoinRequestException">Not a well-formed SSH public key of a supported type.</exception>
    public static SshPublicKey Parse(ReadOnlySpan<byte> wire)
    {
        if (wire.Length < 4)
        {
            throw new MalformedJoinRequestException("host_public_key", "an SSH wire-format public key", $"{wire.Length} bytes");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(wire);
        if (length == 0 || length > 64 || length > (uint)(wire.Length - 4))
        {
            throw new MalformedJoinRequestException("host_public_key", "an SSH wire-format public key", $"an algorithm name of {length} bytes in {wire.Length} bytes");
        }

        var type = Encoding.ASCII.GetString(wire.Slice(4, (int)length));
        if (Array.IndexOf(SupportedTypes, type) < 0)
        {
            throw new MalformedJoinRequestException("host_public_key", $"one of {string.Join(", ", SupportedTypes)}", RequestText.Quote(type));
        }

        var fields = wire[(4 + (int)length)..];
        RequireWellFormedStrings(fields, type == "ssh-rsa" ? 2 : type == "ssh-ed25519" ? 1 : 2);
        return new SshPublicKey(type, fields.ToArray());
    }

    private static void RequireWellFormedStrings(ReadOnlySpan<byte> fields, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (fields.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(fields) > (uint)(fields.Length - 4))
            {
                throw new MalformedJoinRequestException("host_public_key", $"{count} length-prefixed key fields", $"field {i} truncated");
            }

            fields = fields[(4 + (int)BinaryPrimitives.ReadUInt32BigEndian(fields))..];
        }

        if (!fields.IsEmpty)
        {
            throw new MalformedJoinRequestException("host_public_key", "no bytes after the key fields", $"{fields.Length} trailing bytes");
        }
    }
}
