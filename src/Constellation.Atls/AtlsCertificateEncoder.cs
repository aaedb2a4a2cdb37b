using System;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Atls;

/// <summary>
/// Encodes the aTLS certificate of spec §3 directly in DER: the few fields are fixed, so writing them with
/// <see cref="AsnWriter"/> and signing the TBSCertificate with <see cref="ECDsa.SignData(byte[], HashAlgorithmName)"/>
/// is much cheaper per handshake than a general <see cref="CertificateRequest"/>. The signature itself is the
/// platform's ECDSA.
/// </summary>
internal static class AtlsCertificateEncoder
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private static readonly byte[] Name = new X500DistinguishedName(AtlsCertificateFactory.SubjectName).RawData;
    private static readonly DateTimeOffset UtcTimeEnd = new(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset UtcTimeStart = new(1950, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Encodes and signs a certificate.</summary>
    /// <param name="key">The signing key; <paramref name="subjectPublicKeyInfo"/> is its public half.</param>
    /// <param name="subjectPublicKeyInfo">DER SubjectPublicKeyInfo of <paramref name="key"/>.</param>
    /// <param name="extensionOid">The attestation extension's OID, or null for no extension.</param>
    /// <param name="document">The extension value (raw document bytes).</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity.</param>
    /// <param name="name">DER Name for subject and issuer; <c>CN=Constellation</c> when empty.</param>
    /// <returns>The DER certificate.</returns>
    public static byte[] Encode(ECDsa key, ReadOnlySpan<byte> subjectPublicKeyInfo, string? extensionOid, ReadOnlySpan<byte> document, DateTimeOffset notBefore, DateTimeOffset notAfter, ReadOnlySpan<byte> name = default)
    {
        if (name.IsEmpty)
        {
            name = Name;
        }

        var tbs = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 256 + document.Length);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.WriteInteger(2); // v3
            }

            tbs.WriteInteger(CreateSerialNumber());
            WriteSignatureAlgorithm(tbs);
            tbs.WriteEncodedValue(name);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, notBefore);
                WriteTime(tbs, notAfter);
            }

            tbs.WriteEncodedValue(name);
            tbs.WriteEncodedValue(subjectPublicKeyInfo);
            if (extensionOid is not null)
            {
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
                using (tbs.PushSequence())
                using (tbs.PushSequence())
                {
                    tbs.WriteObjectIdentifier(extensionOid);
                    // critical: DEFAULT FALSE, so omitted in DER.
                    tbs.WriteOctetString(document);
                }
            }
        }

        var toBeSigned = tbs.Encode();
        var signature = key.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var certificate = new AsnWriter(AsnEncodingRules.DER, initialCapacity: toBeSigned.Length + signature.Length + 32);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(toBeSigned);
            WriteSignatureAlgorithm(certificate);
            certificate.WriteBitString(signature);
        }

        return certificate.Encode();
    }

    private static void WriteSignatureAlgorithm(AsnWriter writer)
    {
        // ecdsa-with-SHA256: parameters absent (RFC 5758 §3.2).
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(EcdsaWithSha256);
        }
    }

    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds either way.
        var utc = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
        if (utc >= UtcTimeStart && utc < UtcTimeEnd)
        {
            writer.WriteUtcTime(utc);
        }
        else
        {
            writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
        }
    }

    private static BigInteger CreateSerialNumber()
    {
        // Uniform in [0, 2^128) like Go's rand.Int.
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return new BigInteger(random, isUnsigned: true, isBigEndian: true);
    }
}
