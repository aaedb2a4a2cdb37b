using System;
using System.Formats.Asn1;
using Constellation.Attestation.Tpm.Collateral;

namespace Constellation.Attestation.Variants.Common.Vtpm;

/// <summary>
/// A DER certificate as cloud firmware stores it in a TPM NV index: exactly one certificate, which an NV index sized
/// larger than it may follow with zero bytes. The result is the certificate's DER alone (what Go's parser accepts).
/// </summary>
internal static class NvCertificate
{
    public static byte[] Trim(byte[] stored, string what)
    {
        int consumed;
        try
        {
            AsnDecoder.ReadEncodedValue(stored, AsnEncodingRules.DER, out _, out _, out consumed);
        }
        catch (AsnContentException ex)
        {
            throw new AttestationFormatException($"{what}: expected a DER certificate: {ex.Message}", ex);
        }

        var rest = stored.AsSpan(consumed);
        var nonZero = rest.IndexOfAnyExcept((byte)0);
        if (nonZero >= 0)
        {
            throw new AttestationFormatException($"{what}: {rest.Length} bytes follow the {consumed}-byte certificate and must be zero padding; byte at offset {consumed + nonZero} is 0x{rest[nonZero]:x2}");
        }

        var der = stored.AsSpan(0, consumed).ToArray();
        using var parsed = AkCertificate.LoadDer(der, what);
        return der;
    }
}
