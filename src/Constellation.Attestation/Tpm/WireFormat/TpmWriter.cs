using System;
using System.Buffers;
using System.Buffers.Binary;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>Writes big-endian TPM 2.0 marshalled data.</summary>
internal sealed class TpmWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public TpmWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public TpmWriter WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
        return this;
    }

    public TpmWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public TpmWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public TpmWriter WriteAlgorithm(TpmAlgorithm value) => WriteUInt16((ushort)value);

    public TpmWriter WriteBytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    /// <summary>Writes a TPM2B (UINT16 size prefix).</summary>
    public TpmWriter WriteSized(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, "A TPM2B holds at most 65535 bytes.");
        }

        WriteUInt16((ushort)value.Length);
        return WriteBytes(value);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
