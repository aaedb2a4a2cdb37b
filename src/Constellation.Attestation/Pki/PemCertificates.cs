using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Constellation.Attestation.Pki;

/// <summary>Strict reading of concatenated PEM certificates, as carried in quotes and PCS/KDS responses.</summary>
public static class PemCertificates
{
    /// <summary>
    /// Parses concatenated <c>CERTIFICATE</c> PEM blocks. Only whitespace may separate or follow them, plus a single
    /// trailing NUL byte (C strings in quotes carry one).
    /// </summary>
    /// <param name="pem">ASCII PEM text.</param>
    /// <param name="expectedCount">When set, the exact number of certificates required.</param>
    /// <param name="what">A short name used in error messages, e.g. <c>PCK certificate chain</c>.</param>
    /// <returns>The certificates in the order they appear.</returns>
    /// <exception cref="AttestationFormatException">Malformed PEM, other labels, stray data or a wrong count.</exception>
    public static IReadOnlyList<X509Certificate2> ParseChain(ReadOnlySpan<byte> pem, int? expectedCount, string what)
    {
        if (!pem.IsEmpty && pem[^1] == 0)
        {
            pem = pem[..^1];
        }

        foreach (var b in pem)
        {
            if (b == 0 || b > 0x7F)
            {
                throw new AttestationFormatException($"{what}: contains non-ASCII or NUL bytes");
            }
        }

        var text = Encoding.ASCII.GetString(pem);
        var result = new List<X509Certificate2>();
        var rest = text.AsSpan();
        while (!rest.IsWhiteSpace())
        {
            if (!PemEncoding.TryFind(rest, out var fields))
            {
                throw new AttestationFormatException($"{what}: malformed PEM after certificate {result.Count}");
            }

            if (!rest[..fields.Location.Start.Value].IsWhiteSpace())
            {
                throw new AttestationFormatException($"{what}: unexpected data before certificate {result.Count + 1}");
            }

            var label = rest[fields.Label].ToString();
            if (label != "CERTIFICATE")
            {
                throw new AttestationFormatException($"{what}: PEM label expected \"CERTIFICATE\", got \"{label}\"");
            }

            var der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
            result.Add(LoadDer(der, what));
            rest = rest[fields.Location.End.Value..];
        }

        if (expectedCount is { } n && result.Count != n)
        {
            throw new AttestationFormatException($"{what}: expected {n} certificates, got {result.Count}");
        }

        return result;
    }

    /// <summary>Loads one DER certificate, mapping decoder errors to <see cref="AttestationFormatException"/>.</summary>
    /// <param name="der">The DER encoding.</param>
    /// <param name="what">A short name used in error messages.</param>
    /// <returns>The certificate.</returns>
    public static X509Certificate2 LoadDer(ReadOnlySpan<byte> der, string what)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException($"{what}: not a valid X.509 certificate ({ex.Message})", ex);
        }

        CertificateDecoding.EnsureDecodable(certificate, what);
        return certificate;
    }
}
