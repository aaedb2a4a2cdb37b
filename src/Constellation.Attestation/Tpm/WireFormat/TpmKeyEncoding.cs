using System;
using System.Formats.Asn1;
using System.Numerics;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// DER SubjectPublicKeyInfo encoding of TPM keys with System.Formats.Asn1, without importing the key into the platform
/// crypto library (which is slow on OpenSSL 3 and not needed to lay out numbers).
/// </summary>
internal static class TpmKeyEncoding
{
    internal const string RsaOid = "1.2.840.113549.1.1.1";
    internal const string EcOid = "1.2.840.10045.2.1";

    public static byte[] ToSubjectPublicKeyInfo(TpmPublic key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (key.Type == TpmAlgorithm.Rsa)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(RsaOid);
                    writer.WriteNull();
                }

                var inner = new AsnWriter(AsnEncodingRules.DER);
                using (inner.PushSequence())
                {
                    inner.WriteInteger(new BigInteger(key.Unique.Span, isUnsigned: true, isBigEndian: true));
                    inner.WriteInteger(key.EffectiveRsaExponent);
                }

                writer.WriteBitString(inner.Encode());
            }
            else
            {
                var (curve, size) = TpmPublic.GetCurve(key.Curve);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(EcOid);
                    writer.WriteObjectIdentifier(curve.Oid.Value!);
                }

                if (key.Unique.Span.TrimStart((byte)0).Length > size || key.UniqueY.Span.TrimStart((byte)0).Length > size)
                {
                    throw new AttestationFormatException($"TPMT_PUBLIC.unique: expected coordinates of at most {size} bytes, got {key.Unique.Length} and {key.UniqueY.Length}");
                }

                writer.WriteBitString([0x04, .. TpmPublic.PadLeft(key.Unique.Span, size), .. TpmPublic.PadLeft(key.UniqueY.Span, size)]);
            }
        }

        return writer.Encode();
    }
}
