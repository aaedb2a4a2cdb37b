using System;
using System.Text;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>
/// Verifies <c>measurements.json.sig</c>: standard Base64 (surrounding whitespace allowed) of an ASN.1 DER ECDSA
/// signature over SHA-256 of the raw <c>measurements.json</c> bytes (a cosign blob signature).
/// </summary>
public static class MeasurementsSignature
{
    /// <summary>Throws unless the signature verifies with the key.</summary>
    /// <param name="file">The raw measurements file bytes.</param>
    /// <param name="signatureFile">The raw signature file bytes (Base64 text).</param>
    /// <param name="key">The pinned public key.</param>
    /// <exception cref="AttestationSignatureException">The signature is not Base64 or does not verify.</exception>
    public static void Verify(ReadOnlySpan<byte> file, ReadOnlySpan<byte> signatureFile, MeasurementsPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] der;
        try
        {
            der = Convert.FromBase64String(Encoding.ASCII.GetString(signatureFile).Trim());
        }
        catch (FormatException ex)
        {
            throw new AttestationSignatureException("measurements signature: expected standard Base64 of a DER ECDSA signature", ex);
        }

        if (der.Length == 0 || !key.Verify(file, der))
        {
            throw new AttestationSignatureException(
                $"measurements signature: does not verify with the pinned key (SHA-256 of SPKI {key.Fingerprint}) over the {file.Length}-byte measurements file");
        }
    }
}
