using System;

namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>Converts the report's ECDSA P-384 signature (little-endian R and S, each zero-padded to 72 bytes) for .NET.</summary>
public static class SnpSignature
{
    private const int ComponentSize = 48;
    private const int PaddedSize = 72;

    /// <summary>
    /// Converts the 0x200-byte signature block to IEEE P1363 form (R‖S, big-endian, 48 bytes each).
    /// </summary>
    /// <param name="signatureBlock">The signature block at report offset 0x2A0 (at least 144 bytes).</param>
    /// <returns>96 bytes for <c>ECDsa.VerifyData(..., DSASignatureFormat.IeeeP1363FixedFieldConcatenation)</c>.</returns>
    /// <exception cref="AttestationFormatException">The block is too short or R/S use their zero padding.</exception>
    public static byte[] ToIeeeP1363(ReadOnlySpan<byte> signatureBlock)
    {
        if (signatureBlock.Length < 2 * PaddedSize)
        {
            throw new AttestationFormatException($"SEV-SNP signature block must hold R and S ({2 * PaddedSize} bytes), got {signatureBlock.Length}");
        }

        var result = new byte[2 * ComponentSize];
        Convert(signatureBlock[..PaddedSize], result.AsSpan(0, ComponentSize), "R");
        Convert(signatureBlock.Slice(PaddedSize, PaddedSize), result.AsSpan(ComponentSize), "S");
        return result;
    }

    /// <summary>Converts an IEEE P1363 signature (R‖S big-endian) into the report's 0x200-byte signature block.</summary>
    /// <param name="p1363">96 bytes R‖S.</param>
    /// <returns>The 0x200-byte block.</returns>
    public static byte[] FromIeeeP1363(ReadOnlySpan<byte> p1363)
    {
        if (p1363.Length != 2 * ComponentSize)
        {
            throw new ArgumentException($"expected {2 * ComponentSize} bytes", nameof(p1363));
        }

        var block = new byte[SnpReport.Size - SnpReport.SignedRegionSize];
        p1363[..ComponentSize].CopyTo(block);
        block.AsSpan(0, ComponentSize).Reverse();
        p1363[ComponentSize..].CopyTo(block.AsSpan(PaddedSize));
        block.AsSpan(PaddedSize, ComponentSize).Reverse();
        return block;
    }

    private static void Convert(ReadOnlySpan<byte> littleEndianPadded, Span<byte> bigEndian, string name)
    {
        if (littleEndianPadded[ComponentSize..].ContainsAnyExcept((byte)0))
        {
            throw new AttestationFormatException($"SEV-SNP signature {name} exceeds {ComponentSize} bytes (padding bytes {ComponentSize}..{PaddedSize - 1} must be zero)");
        }

        littleEndianPadded[..ComponentSize].CopyTo(bigEndian);
        bigEndian.Reverse();
    }
}
