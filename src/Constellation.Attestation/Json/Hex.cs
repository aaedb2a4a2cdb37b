using System;

namespace Constellation.Attestation.Json;

/// <summary>Strict hex decoding of text fields (collateral JSON, signatures): exact length, hex digits only.</summary>
/// <remarks>Encoding needs no helper: every message writes <see cref="Convert.ToHexStringLower(ReadOnlySpan{byte})"/>.</remarks>
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
}
