using System;
using System.Buffers.Binary;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// Reads big-endian TPM 2.0 marshalled data from a span. Every read checks the remaining length and
/// throws <see cref="AttestationFormatException"/> naming the structure being read.
/// </summary>
internal ref struct TpmReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _structure;
    private int _position;

    public TpmReader(ReadOnlySpan<byte> data, string structure)
    {
        _data = data;
        _structure = structure;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte(TpmField field) => Take(1, field)[0];

    public ushort ReadUInt16(TpmField field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    public uint ReadUInt32(TpmField field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public ulong ReadUInt64(TpmField field) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));

    public TpmAlgorithm ReadAlgorithm(TpmField field) => (TpmAlgorithm)ReadUInt16(field);

    public ReadOnlySpan<byte> ReadBytes(int count, TpmField field) => Take(count, field);

    /// <summary>Reads a TPM2B: a UINT16 size followed by that many bytes, optionally bounded.</summary>
    public ReadOnlySpan<byte> ReadSized(TpmField field, int maxSize = ushort.MaxValue)
    {
        var size = BinaryPrimitives.ReadUInt16BigEndian(Take(2, field, ".size"));
        if (size > maxSize)
        {
            throw new AttestationFormatException(
                $"{_structure}.{field}: expected at most {maxSize} bytes, got size {size}");
        }

        return Take(size, field);
    }

    /// <summary>Fails unless every byte was consumed (strict parsing: trailing bytes are an error).</summary>
    /// <summary>
    /// Reads a TPM2B field as a slice of <paramref name="owner"/> when given (the same bytes this reader reads, owned
    /// by the caller and never written to again), else as a copy.
    /// </summary>
    public ReadOnlyMemory<byte> ReadSizedKept(TpmField field, int maxSize, ReadOnlyMemory<byte>? owner)
    {
        var value = ReadSized(field, maxSize);
        return owner is { } bytes ? bytes.Slice(_position - value.Length, value.Length) : value.ToArray();
    }

    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            throw new AttestationFormatException(
                $"{_structure}: expected {_position} bytes, got {_data.Length} ({_data.Length - _position} trailing bytes)");
        }
    }

    public readonly AttestationFormatException Error(TpmField field, string expected, string actual) =>
        new($"{_structure}.{field}: expected {expected}, got {actual}");

    private ReadOnlySpan<byte> Take(int count, TpmField field, string? member = null)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new AttestationFormatException(
                $"{_structure}.{field}{member}: truncated: expected {count} bytes at offset {_position}, got {Math.Max(0, _data.Length - _position)}");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
