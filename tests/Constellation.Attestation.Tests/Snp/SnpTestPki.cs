using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>
/// A self-made AMD-shaped PKI (ARK → ASK/ASVK → VCEK/VLEK, RSASSA-PSS SHA-384) and report builder, so tests can
/// produce valid evidence with chosen TCBs, chip IDs, CRLs and product lines.
/// </summary>
internal sealed class SnpTestPki : IDisposable
{
    public static readonly DateTimeOffset NotBefore = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset NotAfter = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The chip ID the self-made VCEKs are issued for unless a test says otherwise (bytes 1..64).</summary>
    public static readonly byte[] ChipId = Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();

    /// <summary>The TCB the self-made reports and certificates carry unless a test says otherwise (ucodeSPL 0xd9 needs DER's leading zero).</summary>
    public static readonly SnpTcbVersion Tcb = SnpTcbVersion.FromComponents(SnpProductLine.Milan, 3, 0, 8, 0xd9);

    private const string Location = "OU=Engineering, C=US, L=Santa Clara, ST=CA, O=Advanced Micro Devices";

    private SnpTestPki(SnpProductLine line, SnpEndorsementKind kind)
    {
        Line = line;
        Kind = kind;
        ArkKey = RSA.Create(2048);
        IntermediateKey = RSA.Create(2048);
        var arkName = new X500DistinguishedName($"CN=ARK-{line.ToKdsName()}, {Location}");
        var arkRequest = new CertificateRequest(arkName, ArkKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        arkRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Ark = arkRequest.CreateSelfSigned(NotBefore, NotAfter.AddYears(10));
        var intermediateCn = kind == SnpEndorsementKind.Vcek ? $"SEV-{line.ToKdsName()}" : $"SEV-VLEK-{line.ToKdsName()}";
        var intermediateRequest = new CertificateRequest(new X500DistinguishedName($"CN={intermediateCn}, {Location}"), IntermediateKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        Intermediate = intermediateRequest.Create(arkName, X509SignatureGenerator.CreateForRSA(ArkKey, RSASignaturePadding.Pss), NotBefore, NotAfter.AddYears(5), [0x10, 0x01]);
        Roots = new SnpTrustedRoots([Ark]);
    }

    public SnpProductLine Line { get; }

    public SnpEndorsementKind Kind { get; }

    public RSA ArkKey { get; }

    public RSA IntermediateKey { get; }

    public X509Certificate2 Ark { get; }

    public X509Certificate2 Intermediate { get; }

    public SnpTrustedRoots Roots { get; }

    public static SnpTestPki Create(SnpProductLine line = SnpProductLine.Milan, SnpEndorsementKind kind = SnpEndorsementKind.Vcek) => new(line, kind);

    public static byte[] DerInteger(int value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return writer.Encode();
    }

    /// <summary>Issues a VCEK/VLEK. <paramref name="extensions"/> maps OID suffix (after 1.3.6.1.4.1.3704.1.) to the raw extension value.</summary>
    public (X509Certificate2 Certificate, ECDsa Key) Issue(IDictionary<string, byte[]> extensions, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var cn = Kind == SnpEndorsementKind.Vcek ? "SEV-VCEK" : "SEV-VLEK";
        var request = new CertificateRequest(new X500DistinguishedName($"CN={cn}, {Location}"), key, HashAlgorithmName.SHA384);
        foreach (var (suffix, value) in extensions)
        {
            request.CertificateExtensions.Add(new X509Extension(SnpEndorsementCertificate.OidPrefix + suffix, value, false));
        }

        var certificate = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForRSA(IntermediateKey, RSASignaturePadding.Pss), NotBefore, notAfter ?? NotAfter, [0x20, 0x02]);
        return (certificate, key);
    }

    /// <summary>
    /// Issues a Milan VCEK/VLEK (of this PKI's kind) for <paramref name="tcb"/> and chip <paramref name="chipId"/>
    /// (default <see cref="Tcb"/> and <see cref="ChipId"/>) and a v3 report it signed; <paramref name="reportChipId"/> overrides the report's CHIP_ID (e.g. all zero = masked).
    /// </summary>
    public (byte[] Report, X509Certificate2 Signer) SignedReport(SnpTcbVersion? tcb = null, byte[]? chipId = null, Action<Dictionary<string, byte[]>>? editExtensions = null, byte[]? reportChipId = null, Action<byte[]>? tweak = null)
    {
        var reportTcb = tcb ?? Tcb;
        var vcekChip = chipId ?? ChipId;
        var extensions = StandardExtensions(SnpProductLine.Milan, Kind, reportTcb, vcekChip);
        editExtensions?.Invoke(extensions);
        var (certificate, key) = Issue(extensions);
        using (key)
        {
            var signingKey = Kind == SnpEndorsementKind.Vcek ? SnpSigningKey.Vcek : SnpSigningKey.Vlek;
            return (Report(SnpProductLine.Milan, signingKey, reportTcb.Raw, reportChipId ?? vcekChip, key, tweak), certificate);
        }
    }

    /// <summary>A verifier that pins this PKI's ARK and judges validity at <see cref="At"/>.</summary>
    public SnpReportVerifier Verifier(bool permitMaskedChipId = false) =>
        new(new SnpVerificationOptions { TrustedRoots = Roots, VerificationTime = At, PermitMaskedChipId = permitMaskedChipId });

    /// <summary>A CRL by this PKI's ARK, current at <see cref="At"/> (a day old, next update in 30 days), listing <paramref name="revoked"/>.</summary>
    public byte[] CurrentCrl(params X509Certificate2[] revoked) => Crl(At.AddDays(-1), At.AddDays(30), null, revoked);

    /// <summary>The standard Milan/Genoa extension set for a TCB and chip (VCEK) or CSP (VLEK).</summary>
    public static Dictionary<string, byte[]> StandardExtensions(SnpProductLine line, SnpEndorsementKind kind, SnpTcbVersion tcb, byte[]? hwId)
    {
        var raw = tcb.Raw;
        var ext = new Dictionary<string, byte[]>
        {
            ["1"] = DerInteger(0),
            ["2"] = Ia5(kind == SnpEndorsementKind.Vcek ? $"{line.ToKdsName()}-B1" : line.ToKdsName()),
            ["3.1"] = DerInteger((byte)raw),
            ["3.2"] = DerInteger((byte)(raw >> 8)),
            ["3.4"] = DerInteger((byte)(raw >> 16)),
            ["3.5"] = DerInteger((byte)(raw >> 24)),
            ["3.6"] = DerInteger((byte)(raw >> 32)),
            ["3.7"] = DerInteger((byte)(raw >> 40)),
            ["3.3"] = DerInteger((byte)(raw >> 48)),
            ["3.8"] = DerInteger((byte)(raw >> 56)),
        };
        if (kind == SnpEndorsementKind.Vcek)
        {
            ext["4"] = hwId!;
        }
        else
        {
            ext["5"] = Ia5("CN=test-csp.example");
        }

        return ext;
    }

    public static byte[] Ia5(string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.IA5String, value);
        return writer.Encode();
    }

    /// <summary>Builds a v3 report for <paramref name="line"/> and signs it with <paramref name="key"/>.</summary>
    public static byte[] Report(SnpProductLine line, SnpSigningKey signingKey, ulong tcb, byte[] chipId, ECDsa key, Action<byte[]>? tweak = null)
    {
        var r = new byte[SnpReport.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(r, 3);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x008), 0x30000);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(0x034), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x038), tcb);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(0x048), (uint)signingKey << 2);
        r.AsSpan(0x160, 32).Fill(0xFF);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x180), tcb);
        (r[0x188], r[0x189], r[0x18A]) = line switch
        {
            SnpProductLine.Milan => ((byte)0x19, (byte)0x01, (byte)1),
            SnpProductLine.Genoa => ((byte)0x19, (byte)0x11, (byte)1),
            _ => ((byte)0x1A, (byte)0x02, (byte)0),
        };
        chipId.CopyTo(r.AsSpan(0x1A0));
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x1E0), tcb);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(0x1F0), tcb);
        tweak?.Invoke(r);
        Sign(r, key);
        return r;
    }

    public static void Sign(byte[] report, ECDsa key)
    {
        var signature = key.SignData(report.AsSpan(0, SnpReport.SignedRegionSize), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        SnpSignature.FromIeeeP1363(signature).CopyTo(report.AsSpan(SnpReport.SignedRegionSize));
    }

    /// <summary>An ARK-signed CRL (RSASSA-PSS) listing <paramref name="revoked"/>.</summary>
    public byte[] Crl(DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, RSA? signer = null, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, thisUpdate);
        }

        var aki = X509AuthorityKeyIdentifierExtension.CreateFromIssuerNameAndSerialNumber(Ark.SubjectName, Ark.SerialNumberBytes.Span);
        return builder.Build(Ark.SubjectName, X509SignatureGenerator.CreateForRSA(signer ?? ArkKey, RSASignaturePadding.Pss), BigInteger.One, nextUpdate, HashAlgorithmName.SHA384, aki, thisUpdate);
    }

    /// <summary>
    /// An ARK-signed v2 CRL with no nextUpdate and no entries, encoded by hand (RFC 5280 §5.1; .NET's builder always
    /// writes nextUpdate).
    /// </summary>
    public byte[] CrlWithoutNextUpdate(DateTimeOffset thisUpdate)
    {
        var generator = X509SignatureGenerator.CreateForRSA(ArkKey, RSASignaturePadding.Pss);
        var algorithm = generator.GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA384);
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            tbs.WriteInteger(1);
            tbs.WriteEncodedValue(algorithm);
            tbs.WriteEncodedValue(Ark.SubjectName.RawData);
            tbs.WriteUtcTime(thisUpdate);
        }

        var tbsBytes = tbs.Encode();
        var crl = new AsnWriter(AsnEncodingRules.DER);
        using (crl.PushSequence())
        {
            crl.WriteEncodedValue(tbsBytes);
            crl.WriteEncodedValue(algorithm);
            crl.WriteBitString(generator.SignData(tbsBytes, HashAlgorithmName.SHA384));
        }

        return crl.Encode();
    }

    public void Dispose()
    {
        ArkKey.Dispose();
        IntermediateKey.Dispose();
    }
}
