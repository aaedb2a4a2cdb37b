using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>
/// A VCEK or VLEK certificate with its AMD extensions decoded (shared/spec/snp.md §4.2). Parsing checks the
/// structure (X.509 v3, ECDSA P-384 key, RSASSA-PSS signature algorithm, AMD subject, only known extensions,
/// hwID xor csp_id); it does not verify the signature.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SnpEndorsementCertificate
{
    /// <summary>The AMD extension prefix.</summary>
    public const string OidPrefix = "1.3.6.1.4.1.3704.1.";

    private const string StructVersionOid = OidPrefix + "1";
    private const string ProductNameOid = OidPrefix + "2";
    private const string BootloaderOid = OidPrefix + "3.1";
    private const string TeeOid = OidPrefix + "3.2";
    private const string SnpOid = OidPrefix + "3.3";
    private const string Spl4Oid = OidPrefix + "3.4";
    private const string Spl5Oid = OidPrefix + "3.5";
    private const string Spl6Oid = OidPrefix + "3.6";
    private const string Spl7Oid = OidPrefix + "3.7";
    private const string MicrocodeOid = OidPrefix + "3.8";
    private const string FmcOid = OidPrefix + "3.9";
    private const string HwIdOid = OidPrefix + "4";
    private const string CspIdOid = OidPrefix + "5";
    private const string AuthorityKeyIdentifierOid = "2.5.29.35";
    private const string P384Oid = "1.3.132.0.34";

    private readonly Dictionary<string, byte[]> _extensions;
    private readonly byte[] _der;

    private SnpEndorsementCertificate(X509Certificate2 certificate, SnpEndorsementKind kind, Dictionary<string, byte[]> extensions, string productName, SnpProductLine? productLine, int structVersion)
    {
        Certificate = certificate;
        Kind = kind;
        _extensions = extensions;
        _der = certificate.RawData;
        ProductName = productName;
        ProductLine = productLine;
        StructVersion = structVersion;
    }

    /// <summary>Gets the certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Gets the DER encoding.</summary>
    public ReadOnlySpan<byte> RawData => _der;

    /// <summary>Gets whether this is a VCEK or a VLEK.</summary>
    public SnpEndorsementKind Kind { get; }

    /// <summary>Gets the structVersion extension (0 for Milan/Genoa, 1 for Turin certificates with fmcSPL).</summary>
    public int StructVersion { get; }

    /// <summary>Gets the productName extension as written (e.g. <c>Milan-B0</c>, <c>Milan</c>, <c>Turin</c>).</summary>
    public string ProductName { get; }

    /// <summary>Gets the product line named by <see cref="ProductName"/>, or <see langword="null"/> if unknown.</summary>
    public SnpProductLine? ProductLine { get; }

    /// <summary>Gets the hwID extension (VCEK only; 64 bytes, 8 on Turin), empty for a VLEK.</summary>
    public ReadOnlySpan<byte> HardwareId => _extensions.TryGetValue(HwIdOid, out var v) ? v : [];

    /// <summary>Gets the csp_id extension (VLEK only), or <see langword="null"/>.</summary>
    public string? CspId { get; private init; }

    /// <summary>Parses a PEM or DER certificate.</summary>
    /// <param name="pemOrDer">The encoded certificate.</param>
    /// <returns>The decoded certificate.</returns>
    /// <exception cref="CertificateChainException">The bytes are not a well-formed VCEK or VLEK.</exception>
    public static SnpEndorsementCertificate Parse(ReadOnlySpan<byte> pemOrDer)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(pemOrDer);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateChainException($"signer certificate is not a valid X.509 certificate: {ex.Message}", ex);
        }

        return FromCertificate(certificate);
    }

    /// <summary>Decodes the AMD extensions of a certificate.</summary>
    /// <param name="certificate">The VCEK or VLEK.</param>
    /// <returns>The decoded certificate.</returns>
    /// <exception cref="CertificateChainException">The certificate is not a well-formed VCEK or VLEK.</exception>
    public static SnpEndorsementCertificate FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        const string What = "signer certificate (VCEK/VLEK)";
        if (certificate.Version != 3)
        {
            throw new CertificateChainException($"{What} must be X.509 v3, is v{certificate.Version}");
        }

        if (certificate.SignatureAlgorithm.Value != AmdSignedData.RsaPssOid)
        {
            throw new CertificateChainException($"{What} is signed with {certificate.SignatureAlgorithm.Value}, expected RSASSA-PSS");
        }

        if (certificate.PublicKey.Oid.Value != "1.2.840.10045.2.1" || !IsP384(certificate))
        {
            throw new CertificateChainException($"{What} public key must be ECDSA P-384");
        }

        var cn = AmdNames.CommonName(certificate.SubjectName, What + " subject");
        AmdNames.CheckLocation(certificate.SubjectName, What + " subject");
        AmdNames.CheckLocation(certificate.IssuerName, What + " issuer");

        var extensions = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions)
        {
            var oid = extension.Oid?.Value ?? string.Empty;
            if (oid == AuthorityKeyIdentifierOid)
            {
                continue;
            }

            if (!IsKnownAmdOid(oid))
            {
                throw new CertificateChainException($"{What} has unexpected extension {oid}");
            }

            if (!extensions.TryAdd(oid, extension.RawData))
            {
                throw new CertificateChainException($"{What} repeats extension {oid}");
            }
        }

        var hasHwId = extensions.ContainsKey(HwIdOid);
        var hasCspId = extensions.ContainsKey(CspIdOid);
        SnpEndorsementKind kind;
        if (hasHwId && !hasCspId)
        {
            kind = SnpEndorsementKind.Vcek;
        }
        else if (hasCspId && !hasHwId)
        {
            kind = SnpEndorsementKind.Vlek;
        }
        else
        {
            throw new CertificateChainException($"{What} must have exactly one of hwID (VCEK) and csp_id (VLEK); has {(hasHwId ? "both" : "neither")}");
        }

        var expectedCn = AmdNames.EndorsementName(kind);
        if (cn != expectedCn)
        {
            throw new CertificateChainException($"{What} has {(kind == SnpEndorsementKind.Vcek ? "hwID" : "csp_id")} so its CN must be {expectedCn}, got {cn}");
        }

        var productName = ReadIa5(extensions, ProductNameOid, What, "productName");
        var line = ProductLineOf(productName);
        var structVersion = ReadInteger(extensions, StructVersionOid, What, "structVersion");

        var required = line == SnpProductLine.Turin
            ? new[] { FmcOid, BootloaderOid, TeeOid, SnpOid, MicrocodeOid }
            : new[] { BootloaderOid, TeeOid, SnpOid, Spl4Oid, Spl5Oid, Spl6Oid, Spl7Oid, MicrocodeOid };
        foreach (var oid in required)
        {
            ReadInteger(extensions, oid, What, oid[OidPrefix.Length..]);
        }

        if (line != SnpProductLine.Turin && extensions.ContainsKey(FmcOid))
        {
            throw new CertificateChainException($"{What} for {productName} must not carry fmcSPL");
        }

        string? cspId = null;
        if (kind == SnpEndorsementKind.Vcek)
        {
            var hwIdLength = extensions[HwIdOid].Length;
            var expectedLength = line == SnpProductLine.Turin ? 8 : 64;
            if (hwIdLength != expectedLength)
            {
                throw new CertificateChainException($"{What} hwID must be {expectedLength} raw bytes for {productName}, is {hwIdLength}");
            }
        }
        else
        {
            cspId = ReadIa5(extensions, CspIdOid, What, "csp_id");
        }

        return new SnpEndorsementCertificate(certificate, kind, extensions, productName, line, structVersion) { CspId = cspId };
    }

    /// <summary>
    /// Gets the TCB the certificate was issued for, composed from its SPL extensions in the layout of <paramref name="line"/>.
    /// </summary>
    /// <param name="line">The product line whose TCB layout applies.</param>
    /// <returns>The TCB.</returns>
    public SnpTcbVersion GetTcb(SnpProductLine line)
    {
        byte Part(string oid) => _extensions.TryGetValue(oid, out var der) ? (byte)DecodeInteger(der) : (byte)0;
        if (line == SnpProductLine.Turin)
        {
            return SnpTcbVersion.FromComponents(line, Part(BootloaderOid), Part(TeeOid), Part(SnpOid), Part(MicrocodeOid), Part(FmcOid));
        }

        var raw = SnpTcbVersion.FromComponents(line, Part(BootloaderOid), Part(TeeOid), Part(SnpOid), Part(MicrocodeOid)).Raw
            | ((ulong)Part(Spl4Oid) << 16) | ((ulong)Part(Spl5Oid) << 24) | ((ulong)Part(Spl6Oid) << 32) | ((ulong)Part(Spl7Oid) << 40);
        return new SnpTcbVersion(raw, line);
    }

    /// <summary>
    /// Compares the certificate's TCB extensions with a report's REPORTED_TCB by exact DER encoding: every SPL
    /// extension must be the canonical DER INTEGER of the corresponding byte of <paramref name="reportedTcb"/>,
    /// and reserved bytes without an extension must be zero.
    /// </summary>
    /// <param name="reportedTcb">The report's REPORTED_TCB (decoded with the right layout).</param>
    /// <returns>Each mismatch as (extension name, expected DER hex, actual DER hex); empty if all match.</returns>
    public IReadOnlyList<(string Name, string Expected, string Actual)> CompareTcb(SnpTcbVersion reportedTcb)
    {
        var raw = reportedTcb.Raw;
        byte B(int i) => (byte)(raw >> (8 * i));
        var expected = reportedTcb.IsTurinLayout
            ? new (string Oid, string Name, byte Value)[]
            {
                (FmcOid, "fmcSPL", B(0)), (BootloaderOid, "blSPL", B(1)), (TeeOid, "teeSPL", B(2)), (SnpOid, "snpSPL", B(3)),
                (Spl4Oid, "spl_4", 0), (Spl5Oid, "spl_5", B(4)), (Spl6Oid, "spl_6", B(5)), (Spl7Oid, "spl_7", B(6)), (MicrocodeOid, "ucodeSPL", B(7)),
            }
            : new (string Oid, string Name, byte Value)[]
            {
                (BootloaderOid, "blSPL", B(0)), (TeeOid, "teeSPL", B(1)), (Spl4Oid, "spl_4", B(2)), (Spl5Oid, "spl_5", B(3)),
                (Spl6Oid, "spl_6", B(4)), (Spl7Oid, "spl_7", B(5)), (SnpOid, "snpSPL", B(6)), (MicrocodeOid, "ucodeSPL", B(7)),
            };
        var mismatches = new List<(string, string, string)>();
        foreach (var (oid, name, value) in expected)
        {
            var want = EncodeInteger(value);
            if (_extensions.TryGetValue(oid, out var have))
            {
                if (!have.AsSpan().SequenceEqual(want))
                {
                    mismatches.Add((name, Convert.ToHexStringLower(want), Convert.ToHexStringLower(have)));
                }
            }
            else if (value != 0)
            {
                mismatches.Add((name, Convert.ToHexStringLower(want), "absent"));
            }
        }

        return mismatches;
    }

    /// <summary>Encodes a TCB component as the canonical DER INTEGER KDS writes into SPL extensions.</summary>
    /// <param name="value">The component.</param>
    /// <returns>The DER bytes (e.g. <c>02 01 03</c>, or <c>02 02 00 d9</c> for 0xd9).</returns>
    public static byte[] EncodeInteger(byte value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return writer.Encode();
    }

    private static bool IsKnownAmdOid(string oid) => oid is StructVersionOid or ProductNameOid or BootloaderOid or TeeOid or SnpOid
        or Spl4Oid or Spl5Oid or Spl6Oid or Spl7Oid or MicrocodeOid or FmcOid or HwIdOid or CspIdOid;

    private static bool IsP384(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPublicKey();
        return key is not null && key.ExportParameters(false).Curve.Oid.Value == P384Oid;
    }

    private static SnpProductLine? ProductLineOf(string productName)
    {
        var dash = productName.IndexOf('-', StringComparison.Ordinal);
        var line = dash < 0 ? productName : productName[..dash];
        return SnpProductLines.TryParse(line, out var parsed) && parsed.ToKdsName() == line ? parsed : null;
    }

    private static string ReadIa5(Dictionary<string, byte[]> extensions, string oid, string what, string name)
    {
        if (!extensions.TryGetValue(oid, out var der))
        {
            throw new CertificateChainException($"{what} lacks the {name} extension");
        }

        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var value = reader.ReadCharacterString(UniversalTagNumber.IA5String);
            reader.ThrowIfNotEmpty();
            return value;
        }
        catch (AsnContentException ex)
        {
            throw new CertificateChainException($"{what} {name} extension is not a DER IA5String", ex);
        }
    }

    private static int ReadInteger(Dictionary<string, byte[]> extensions, string oid, string what, string name)
    {
        if (!extensions.TryGetValue(oid, out var der))
        {
            throw new CertificateChainException($"{what} lacks the {name} extension");
        }

        try
        {
            return DecodeInteger(der);
        }
        catch (AsnContentException ex)
        {
            throw new CertificateChainException($"{what} {name} extension is not a DER INTEGER in 0..255", ex);
        }
    }

    private static int DecodeInteger(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        if (!reader.TryReadInt32(out var value) || value is < 0 or > 255)
        {
            throw new AsnContentException("out of range");
        }

        reader.ThrowIfNotEmpty();
        return value;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind} {ProductName} ({Certificate.Subject})");
}
