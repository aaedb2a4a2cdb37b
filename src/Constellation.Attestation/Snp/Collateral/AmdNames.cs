using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>AMD certificate naming rules (subject/issuer location fields and CNs per role).</summary>
internal static class AmdNames
{
    private static readonly (string Oid, string Label, string Value)[] Location =
    [
        ("2.5.4.6", "C", "US"),
        ("2.5.4.7", "L", "Santa Clara"),
        ("2.5.4.8", "ST", "CA"),
        ("2.5.4.10", "O", "Advanced Micro Devices"),
        ("2.5.4.11", "OU", "Engineering"),
    ];

    public static string ArkName(SnpProductLine line) => "ARK-" + line.ToKdsName();

    public static string IntermediateName(SnpEndorsementKind kind, SnpProductLine line) =>
        kind == SnpEndorsementKind.Vcek ? "SEV-" + line.ToKdsName() : "SEV-VLEK-" + line.ToKdsName();

    public static string IntermediateRole(SnpEndorsementKind kind) => kind == SnpEndorsementKind.Vcek ? "ASK" : "ASVK";

    public static string EndorsementName(SnpEndorsementKind kind) => kind == SnpEndorsementKind.Vcek ? "SEV-VCEK" : "SEV-VLEK";

    /// <summary>Gets the single CN of a name, or throws.</summary>
    public static string CommonName(X500DistinguishedName name, string what)
    {
        var values = Values(name, "2.5.4.3");
        return values.Count == 1 ? values[0] : throw new CertificateChainException($"{what} must have exactly one CN, has {values.Count}");
    }

    /// <summary>Checks that C, L, ST, O, OU each occur once with AMD's values.</summary>
    public static void CheckLocation(X500DistinguishedName name, string what)
    {
        foreach (var (oid, label, expected) in Location)
        {
            var values = Values(name, oid);
            if (values.Count != 1 || values[0] != expected)
            {
                throw new CertificateChainException($"{what} {label} must be \"{expected}\", got [{string.Join(", ", values)}]");
            }
        }
    }

    private static List<string> Values(X500DistinguishedName name, string oid)
    {
        var result = new List<string>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                throw new CertificateChainException($"unexpected multi-valued RDN in \"{name.Name}\"");
            }

            if (rdn.GetSingleElementType().Value == oid)
            {
                result.Add(rdn.GetSingleElementValue() ?? string.Empty);
            }
        }

        return result;
    }

    /// <summary>Tells whether a certificate's subject CN equals <paramref name="cn"/>, without throwing.</summary>
    public static bool HasCommonName(X509Certificate2 certificate, string cn)
    {
        try
        {
            return CommonName(certificate.SubjectName, "certificate") == cn;
        }
        catch (CertificateChainException)
        {
            return false;
        }
    }

    public static string Describe(X509Certificate2 certificate)
    {
        try
        {
            return CommonName(certificate.SubjectName, "certificate");
        }
        catch (CertificateChainException)
        {
            return certificate.Subject;
        }
    }

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
