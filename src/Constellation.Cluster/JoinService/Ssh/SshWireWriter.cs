using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Constellation.Cluster.JoinService.Ssh;

/// <summary>Writes the SSH wire encoding (RFC 4251 §5: uint32/uint64 big-endian, length-prefixed strings).</summary>
internal sealed class SshWireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public SshWireWriter UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public SshWireWriter UInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public SshWireWriter String(ReadOnlySpan<byte> value)
    {
        UInt32(checked((uint)value.Length));
        _buffer.Write(value);
        return this;
    }

    public SshWireWriter String(string value) => String(Encoding.UTF8.GetBytes(value));

    /// <summary>A string holding a list of strings (how certificates carry principals).</summary>
    public SshWireWriter StringList(IEnumerable<string> values)
    {
        var inner = new SshWireWriter();
        foreach (var value in values)
        {
            inner.String(value);
        }

        return String(inner.ToArray());
    }

    /// <summary>Appends bytes that are already wire-encoded.</summary>
    public SshWireWriter Raw(ReadOnlySpan<byte> encoded)
    {
        _buffer.Write(encoded);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
