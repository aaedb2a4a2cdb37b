using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// One TPMS_PCR_SELECTION: a hash bank and the PCR indices selected in it. Immutable.
/// </summary>
public sealed class TpmPcrSelection : IEquatable<TpmPcrSelection>
{
    /// <summary>The number of PCRs of a PC-client TPM (0–23), which needs a 3-byte bitmap.</summary>
    public const int PcClientPcrCount = 24;

    private const int MaxSelectBytes = 8;

    /// <summary>Creates a selection.</summary>
    /// <param name="hash">The PCR bank.</param>
    /// <param name="indices">The selected PCR indices (duplicates are merged).</param>
    /// <param name="sizeOfSelect">The bitmap size in bytes; at least 3 and large enough for every index.</param>
    public TpmPcrSelection(TpmAlgorithm hash, IEnumerable<int> indices, int sizeOfSelect = 3)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sorted = indices.Distinct().Order().ToImmutableArray();
        if (sizeOfSelect is < 0 or > MaxSelectBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeOfSelect), sizeOfSelect, "Expected a bitmap of 0 to 8 bytes.");
        }

        foreach (var index in sorted)
        {
            if (index < 0 || index >= sizeOfSelect * 8)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"PCR index must be in 0..{(sizeOfSelect * 8) - 1}.");
            }
        }

        Hash = hash;
        Indices = sorted;
        SizeOfSelect = sizeOfSelect;
    }

    // Indices read from a bitmap: ascending, distinct and inside the bitmap by construction.
    private TpmPcrSelection(TpmAlgorithm hash, ImmutableArray<int> sortedIndices, int sizeOfSelect)
    {
        Hash = hash;
        Indices = sortedIndices;
        SizeOfSelect = sizeOfSelect;
    }

    /// <summary>Gets the PCR bank's hash algorithm.</summary>
    public TpmAlgorithm Hash { get; }

    /// <summary>Gets the selected PCR indices in ascending order.</summary>
    public ImmutableArray<int> Indices { get; }

    /// <summary>Gets the bitmap size in bytes.</summary>
    public int SizeOfSelect { get; }

    /// <summary>Creates a selection of all 24 PC-client PCRs of a bank.</summary>
    /// <param name="hash">The PCR bank.</param>
    /// <returns>The selection.</returns>
    public static TpmPcrSelection All(TpmAlgorithm hash) => new(hash, Enumerable.Range(0, PcClientPcrCount));

    /// <summary>Parses a TPML_PCR_SELECTION (count followed by selections); strict.</summary>
    /// <param name="data">The marshalled list.</param>
    /// <returns>The selections, in wire order.</returns>
    /// <exception cref="AttestationFormatException">The data is malformed or has trailing bytes.</exception>
    public static ImmutableArray<TpmPcrSelection> ParseList(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPML_PCR_SELECTION");
        var list = ReadList(ref reader);
        reader.EnsureEnd();
        return list;
    }

    /// <summary>Marshals selections as a TPML_PCR_SELECTION.</summary>
    /// <param name="selections">The selections.</param>
    /// <returns>The marshalled list.</returns>
    public static byte[] SerializeList(IReadOnlyCollection<TpmPcrSelection> selections)
    {
        ArgumentNullException.ThrowIfNull(selections);
        var writer = new TpmWriter();
        WriteList(writer, selections);
        return writer.ToArray();
    }

    /// <summary>Returns whether the index is selected.</summary>
    /// <param name="index">A PCR index.</param>
    /// <returns><see langword="true"/> when selected.</returns>
    public bool Contains(int index) => Indices.Contains(index);

    /// <summary>Returns the bitmap bytes (PCR n ⇔ bit n%8 of byte n/8).</summary>
    /// <returns>The bitmap.</returns>
    public byte[] ToBitmap()
    {
        var bitmap = new byte[SizeOfSelect];
        foreach (var index in Indices)
        {
            bitmap[index / 8] |= (byte)(1 << (index % 8));
        }

        return bitmap;
    }

    /// <inheritdoc />
    public bool Equals(TpmPcrSelection? other) =>
        other is not null && Hash == other.Hash && Indices.SequenceEqual(other.Indices);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TpmPcrSelection);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Hash);
        foreach (var index in Indices)
        {
            hash.Add(index);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"{TpmHash.ToDisplayName(Hash)}:{string.Join(',', Indices)}";

    internal static ImmutableArray<TpmPcrSelection> ReadList(ref TpmReader reader)
    {
        var count = reader.ReadUInt32("pcrSelections.count");
        // TPM_NUM_PCR_BANKS is 16 in the reference implementation; anything larger is not a TPM's output.
        if (count > 16)
        {
            throw reader.Error("pcrSelections.count", "at most 16", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var builder = ImmutableArray.CreateBuilder<TpmPcrSelection>((int)count);
        for (var i = 0; i < count; i++)
        {
            var hash = reader.ReadAlgorithm(TpmField.Element("pcrSelections", i, ".hash"));
            var size = reader.ReadByte(TpmField.Element("pcrSelections", i, ".sizeofSelect"));
            if (size > MaxSelectBytes)
            {
                throw reader.Error(TpmField.Element("pcrSelections", i, ".sizeofSelect"), $"at most {MaxSelectBytes}", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var bitmap = reader.ReadBytes(size, TpmField.Element("pcrSelections", i, ".pcrSelect"));
            var selected = 0;
            foreach (var b in bitmap)
            {
                selected += System.Numerics.BitOperations.PopCount(b);
            }

            var indices = new int[selected];
            var next = 0;
            for (var bit = 0; bit < size * 8; bit++)
            {
                if ((bitmap[bit / 8] & (1 << (bit % 8))) != 0)
                {
                    indices[next++] = bit;
                }
            }

            builder.Add(new TpmPcrSelection(hash, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(indices), size));
        }

        return builder.MoveToImmutable();
    }

    internal static void WriteList(TpmWriter writer, IReadOnlyCollection<TpmPcrSelection> selections)
    {
        writer.WriteUInt32((uint)selections.Count);
        foreach (var selection in selections)
        {
            writer.WriteAlgorithm(selection.Hash).WriteByte((byte)selection.SizeOfSelect).WriteBytes(selection.ToBitmap());
        }
    }
}
