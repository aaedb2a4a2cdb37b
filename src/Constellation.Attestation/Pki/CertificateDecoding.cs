using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Pki;

/// <summary>
/// Decodes every part of a certificate that <see cref="X509Certificate2"/> otherwise decodes lazily (names, validity,
/// extensions, public key), so that a corrupt certificate fails once, up front, with a typed error instead of a
/// <see cref="CryptographicException"/> from whichever property a later check happens to read first.
/// </summary>
internal static class CertificateDecoding
{
    /// <summary>Throws unless every lazily decoded part of <paramref name="certificate"/> decodes.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <param name="what">A short name used in the error message.</param>
    /// <exception cref="AttestationFormatException">A part does not decode.</exception>
    public static void EnsureDecodable(X509Certificate2 certificate, string what)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            _ = certificate.NotBefore;
            _ = certificate.NotAfter;
            _ = certificate.SerialNumber;
            _ = certificate.SignatureAlgorithm.Value;
            DecodeName(certificate.SubjectName);
            DecodeName(certificate.IssuerName);
            foreach (var extension in certificate.Extensions)
            {
                _ = extension.Oid?.Value;
            }

            switch (certificate.PublicKey.Oid.Value)
            {
                case "1.2.840.10045.2.1":
                    using (var ec = certificate.GetECDsaPublicKey())
                    {
                        _ = ec?.ExportParameters(false);
                    }

                    break;
                case "1.2.840.113549.1.1.1":
                case "1.2.840.113549.1.1.10":
                    using (var rsa = certificate.GetRSAPublicKey())
                    {
                        _ = rsa?.ExportParameters(false);
                    }

                    break;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException or System.Formats.Asn1.AsnContentException)
        {
            throw new AttestationFormatException($"{what}: the certificate does not decode ({ex.Message})", ex);
        }
    }

    private static void DecodeName(X500DistinguishedName name)
    {
        _ = name.Name;
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements)
            {
                _ = rdn.GetSingleElementType().Value;
                _ = rdn.GetSingleElementValue();
            }
        }
    }
}
