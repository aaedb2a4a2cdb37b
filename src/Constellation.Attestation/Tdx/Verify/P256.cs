using System;
using System.Security.Cryptography;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>ECDSA P-256/SHA-256 verification of raw r‖s signatures with raw x‖y keys, as quotes and collateral carry them.</summary>
internal static class P256
{
    public static ECDsa ImportKey(ReadOnlySpan<byte> xy, string what)
    {
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = xy[..32].ToArray(), Y = xy[32..64].ToArray() },
        };
        try
        {
            // ImportParameters validates that the point lies on the curve.
            return ECDsa.Create(parameters);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"{what}: not a valid P-256 public key ({ex.Message})", ex);
        }
    }

    public static bool Verify(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
