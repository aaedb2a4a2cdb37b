using System;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>
/// The signed parts of an AMD-issued X.509 structure (certificate or CRL): the to-be-signed bytes and the
/// RSASSA-PSS signature, with the PSS parameters checked to be exactly SHA-384 / MGF1-SHA-384 / salt 48 /
/// trailer 1. The trailer field may be explicit (as in real KDS certificates) or omitted (its DER default).
/// </summary>
internal sealed class AmdSignedData
{
    internal const string RsaPssOid = "1.2.840.113549.1.1.10";
    private const string Sha384Oid = "2.16.840.1.101.3.4.2.2";
    private const string Mgf1Oid = "1.2.840.113549.1.1.8";

    private AmdSignedData(byte[] toBeSigned, byte[] signature)
    {
        ToBeSigned = toBeSigned;
        Signature = signature;
    }

    public byte[] ToBeSigned { get; }

    public byte[] Signature { get; }

    /// <summary>Decodes <c>SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }</c> and checks the PSS parameters.</summary>
    public static AmdSignedData Decode(ReadOnlyMemory<byte> der, string what)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var seq = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbs = seq.ReadEncodedValue().ToArray();
            var algorithm = seq.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (oid != RsaPssOid)
            {
                throw new CertificateChainException($"{what} is signed with algorithm {oid}, expected RSASSA-PSS ({RsaPssOid})");
            }

            CheckPssParameters(algorithm.ReadSequence(), what);
            algorithm.ThrowIfNotEmpty();
            var signature = seq.ReadBitString(out var unused);
            seq.ThrowIfNotEmpty();
            if (unused != 0)
            {
                throw new CertificateChainException($"{what} signature BIT STRING has {unused} unused bits");
            }

            return new AmdSignedData(tbs, signature);
        }
        catch (AsnContentException ex)
        {
            throw new CertificateChainException($"{what} is not valid DER: {ex.Message}", ex);
        }
    }

    /// <summary>Verifies the signature with an RSA key (RSASSA-PSS, SHA-384, salt 48).</summary>
    public bool VerifyWith(RSA issuerKey) =>
        issuerKey.VerifyData(ToBeSigned, Signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);

    private static void CheckPssParameters(AsnReader p, string what)
    {
        var hash = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        CheckSha384(hash.ReadSequence(), what, "hash");
        hash.ThrowIfNotEmpty();

        var mgf = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1)).ReadSequence();
        var mgfOid = mgf.ReadObjectIdentifier();
        if (mgfOid != Mgf1Oid)
        {
            throw new CertificateChainException($"{what} RSASSA-PSS mask generation is {mgfOid}, expected MGF1");
        }

        CheckSha384(mgf.ReadSequence(), what, "MGF1 hash");
        mgf.ThrowIfNotEmpty();

        var salt = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        if (!salt.TryReadInt32(out var saltLength) || saltLength != 48)
        {
            throw new CertificateChainException($"{what} RSASSA-PSS salt length must be 48");
        }

        salt.ThrowIfNotEmpty();
        if (p.HasData)
        {
            var trailer = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3));
            if (!trailer.TryReadInt32(out var trailerField) || trailerField != 1)
            {
                throw new CertificateChainException($"{what} RSASSA-PSS trailer field must be 1");
            }

            trailer.ThrowIfNotEmpty();
        }

        p.ThrowIfNotEmpty();
    }

    private static void CheckSha384(AsnReader algorithmIdentifier, string what, string role)
    {
        var oid = algorithmIdentifier.ReadObjectIdentifier();
        if (oid != Sha384Oid)
        {
            throw new CertificateChainException($"{what} RSASSA-PSS {role} is {oid}, expected SHA-384");
        }

        // Parameters are NULL in KDS certificates and absent in some encoders; both mean "none" for SHA-2 (RFC 5754).
        if (algorithmIdentifier.HasData)
        {
            algorithmIdentifier.ReadNull();
        }

        algorithmIdentifier.ThrowIfNotEmpty();
    }
}
