using System;
using System.Security.Cryptography;

namespace Constellation.Attestation.Binding;

/// <summary>
/// Constellation's binding of evidence to one exchange: <c>extraData = SHA-256(userData ‖ nonce)</c>, the value every
/// family carries — in the TPM nonce (<c>tpmNonce = SHA-256(instanceInfo ‖ extraData)</c>), and zero-padded to 64 bytes
/// in a TDX REPORTDATA or an SEV-SNP REPORT_DATA. The one implementation: issuers and validators of every variant use it.
/// </summary>
/// <remarks>Stateless and thread-safe. The validation hot path hashes through a <see cref="BindingHasher"/> instead, which reuses its digest context.</remarks>
internal static class ExtraData
{
    /// <summary>The size of <c>extraData</c> and of the TPM nonce (a SHA-256 digest).</summary>
    public const int Size = SHA256.HashSizeInBytes;

    /// <summary>The size of a TDX REPORTDATA and an SEV-SNP REPORT_DATA.</summary>
    public const int ReportDataSize = 64;

    /// <summary>Computes <c>extraData = SHA-256(userData ‖ nonce)</c>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> userData, ReadOnlySpan<byte> nonce)
    {
        var extraData = new byte[Size];
        Hash(userData, nonce, extraData);
        return extraData;
    }

    /// <summary>Computes the vTPM quote's nonce, <c>SHA-256(instanceInfo ‖ extraData)</c>, which binds the instance info too.</summary>
    public static byte[] TpmNonce(ReadOnlySpan<byte> instanceInfo, ReadOnlySpan<byte> extraData) => Compute(instanceInfo, extraData);

    /// <summary>Computes the 64-byte report data <c>SHA-256(userData ‖ nonce) ‖ 32 zero bytes</c>.</summary>
    public static byte[] ReportData(ReadOnlySpan<byte> userData, ReadOnlySpan<byte> nonce)
    {
        var reportData = new byte[ReportDataSize];
        Hash(userData, nonce, reportData);
        return reportData;
    }

    /// <summary>Pads an <c>extraData</c> already computed to the 64-byte report data <c>extraData ‖ 32 zero bytes</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="extraData"/> is not <see cref="Size"/> bytes.</exception>
    public static byte[] ReportData(ReadOnlySpan<byte> extraData)
    {
        if (extraData.Length != Size)
        {
            throw new ArgumentException($"extraData must be {Size} bytes, got {extraData.Length}", nameof(extraData));
        }

        var reportData = new byte[ReportDataSize];
        extraData.CopyTo(reportData);
        return reportData;
    }

    /// <summary>Writes <c>SHA-256(first ‖ second)</c> to the start of <paramref name="destination"/> with <paramref name="hash"/> (a SHA-256 context, left reset).</summary>
    internal static void Hash(IncrementalHash hash, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        hash.AppendData(first);
        hash.AppendData(second);
        hash.GetHashAndReset(destination);
    }

    private static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Hash(hash, first, second, destination);
    }
}
