using System;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// Decides whether a TPM public area is the key a DER SubjectPublicKeyInfo holds, by comparing numbers with
/// System.Formats.Asn1 instead of importing either key into the platform crypto library (slow on OpenSSL 3).
/// </summary>
internal static class TpmKeyComparison
{
    /// <summary>Compares numerically: RSA modulus and exponent; EC curve and point.</summary>
    public static bool KeyEquals(TpmPublic key, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        PublicKey trusted;
        try
        {
            trusted = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }

        try
        {
            if (key.Type == TpmAlgorithm.Rsa)
            {
                if (trusted.Oid.Value != TpmKeyEncoding.RsaOid)
                {
                    return false;
                }

                var reader = new AsnReader(trusted.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
                var modulus = reader.ReadInteger();
                var exponent = reader.ReadInteger();
                return modulus == new BigInteger(key.Unique.Span, isUnsigned: true, isBigEndian: true) && exponent == key.EffectiveRsaExponent;
            }

            if (trusted.Oid.Value != TpmKeyEncoding.EcOid || trusted.EncodedParameters is null)
            {
                return false;
            }

            var (curve, _) = TpmPublic.GetCurve(key.Curve);
            var curveOid = new AsnReader(trusted.EncodedParameters.RawData, AsnEncodingRules.DER).ReadObjectIdentifier();
            var ours = new AsnReader(TpmKeyEncoding.ToSubjectPublicKeyInfo(key), AsnEncodingRules.DER).ReadSequence();
            ours.ReadSequence();
            var ourPoint = ours.ReadBitString(out _);
            return curveOid == curve.Oid.Value && trusted.EncodedKeyValue.RawData.AsSpan().SequenceEqual(ourPoint);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
