using System;
using System.Security.Cryptography;

namespace Constellation.Attestation.Variants.QemuTdx;

/// <summary>Constellation's binding value: SHA-256(userData ‖ nonce), placed in REPORTDATA and zero-padded to 64 bytes.</summary>
internal static class TdxExtraData
{
    public static byte[] ReportData(ReadOnlySpan<byte> userData, ReadOnlySpan<byte> nonce)
    {
        var reportData = new byte[64];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(userData);
        hash.AppendData(nonce);
        hash.GetHashAndReset(reportData);
        return reportData;
    }
}
