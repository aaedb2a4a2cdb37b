using System;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>Strict hex decoding for collateral and policy values.</summary>
internal static class Hex
{
    public static byte[] Decode(string hex, int length, string what)
    {
        if (hex.Length != length * 2)
        {
            throw new AttestationFormatException($"{what}: expected {length * 2} hex characters, got {hex.Length}");
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"{what}: not valid hex", ex);
        }
    }

    public static string Lower(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
