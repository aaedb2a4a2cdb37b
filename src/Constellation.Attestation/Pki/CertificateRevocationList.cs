using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Constellation.Attestation.Pki;

/// <summary>
/// An X.509 certificate revocation list (RFC 5280), parsed from DER or PEM.
/// </summary>
/// <remarks>
/// Parsing does not check the signature: call <see cref="IsIssuedBy"/> or <see cref="EnsureIssuedBy"/> with the
/// certificate that must have signed it before trusting <see cref="IsRevoked"/>. Instances are immutable and thread-safe.
/// BouncyCastle is used because .NET has no API to read a CRL's issuer, validity or signature.
/// </remarks>
public sealed class CertificateRevocationList
{
    private readonly X509Crl _crl;
    private readonly Dictionary<string, DateTimeOffset> _revoked;

    private CertificateRevocationList(X509Crl crl, byte[] der)
    {
        _crl = crl;
        RawData = der;
        ThisUpdate = new DateTimeOffset(DateTime.SpecifyKind(crl.ThisUpdate, DateTimeKind.Utc));
        NextUpdate = crl.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
        Issuer = new X500DistinguishedName(crl.IssuerDN.GetEncoded());
        _revoked = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var entry in crl.GetRevokedCertificates() ?? new HashSet<X509CrlEntry>())
        {
            // A serial listed twice keeps its earliest revocation time.
            var serial = NormalizeSerial(entry.SerialNumber.ToByteArrayUnsigned());
            var when = new DateTimeOffset(DateTime.SpecifyKind(entry.RevocationDate, DateTimeKind.Utc));
            if (!_revoked.TryGetValue(serial, out var earlier) || when < earlier)
            {
                _revoked[serial] = when;
            }
        }
    }

    /// <summary>Gets the DER encoding of the CRL.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>Gets the issuer's distinguished name.</summary>
    public X500DistinguishedName Issuer { get; }

    /// <summary>Gets the time the CRL was issued (thisUpdate).</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>Gets the time by which a newer CRL will be issued (nextUpdate), or <see langword="null"/> when absent.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>Gets the serial numbers of the revoked certificates as uppercase hex without leading zero bytes.</summary>
    public IReadOnlyCollection<string> RevokedSerialNumbers => _revoked.Keys;

    /// <summary>Parses a CRL from DER, or from PEM with a <c>X509 CRL</c> block.</summary>
    /// <param name="data">The encoded CRL; nothing may follow it.</param>
    /// <returns>The parsed CRL.</returns>
    /// <exception cref="AttestationFormatException">The data is not exactly one CRL.</exception>
    public static CertificateRevocationList Parse(ReadOnlySpan<byte> data)
    {
        var der = LooksLikePem(data) ? DecodePem(data) : data.ToArray();
        try
        {
            // A strict decode: the outer SEQUENCE must span the whole input.
            var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER);
            reader.ReadEncodedValue();
            if (reader.HasData)
            {
                throw new AttestationFormatException("CRL: trailing bytes after the DER structure");
            }

            var list = CertificateList.GetInstance(Asn1Object.FromByteArray(der));
            return new CertificateRevocationList(new X509Crl(list), der);
        }
        catch (AttestationFormatException)
        {
            throw;
        }
        catch (Exception ex) when (ex is System.Formats.Asn1.AsnContentException or ArgumentException or InvalidOperationException
            or System.IO.IOException or Org.BouncyCastle.Security.Certificates.CrlException or InvalidCastException)
        {
            throw new AttestationFormatException($"CRL: not a valid X.509 CRL ({ex.Message})", ex);
        }
    }

    /// <summary>Returns whether the certificate's serial number is listed. Only meaningful once the issuer is checked.</summary>
    /// <param name="certificate">The certificate to look up.</param>
    /// <returns><see langword="true"/> when revoked.</returns>
    public bool IsRevoked(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return _revoked.ContainsKey(NormalizeSerial(certificate.SerialNumberBytes.Span));
    }

    /// <summary>Gets when the certificate was revoked, if the CRL lists it. Only meaningful once the issuer is checked.</summary>
    /// <param name="certificate">The certificate to look up.</param>
    /// <param name="revokedAt">The revocation date from the CRL entry.</param>
    /// <returns><see langword="true"/> when revoked.</returns>
    internal bool TryGetRevocationTime(X509Certificate2 certificate, out DateTimeOffset revokedAt)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return _revoked.TryGetValue(NormalizeSerial(certificate.SerialNumberBytes.Span), out revokedAt);
    }

    /// <summary>Returns whether the CRL names <paramref name="issuer"/> as issuer and carries a valid signature by its key.</summary>
    /// <param name="issuer">The candidate issuing CA certificate.</param>
    /// <returns><see langword="true"/> when both hold.</returns>
    public bool IsIssuedBy(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!NamesEqual(issuer.SubjectName))
        {
            return false;
        }

        try
        {
            var bcIssuer = new X509CertificateParser().ReadCertificate(issuer.RawData);
            _crl.Verify(bcIssuer.GetPublicKey());
            return true;
        }
        catch (Exception ex) when (ex is InvalidKeyException or SignatureException or Org.BouncyCastle.Security.Certificates.CrlException
            or SecurityUtilityException or ArgumentException or InvalidOperationException or System.IO.IOException)
        {
            // IOException: BouncyCastle's ASN.1 layer reports a malformed signature BIT STRING this way.
            return false;
        }
    }

    /// <summary>Throws unless the CRL is issued and signed by <paramref name="issuer"/>.</summary>
    /// <param name="issuer">The issuing CA certificate.</param>
    /// <param name="what">A short name used in the error message, e.g. <c>PCK CRL</c>.</param>
    /// <exception cref="CertificateChainException">Issuer name or signature do not match.</exception>
    public void EnsureIssuedBy(X509Certificate2 issuer, string what)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!NamesEqual(issuer.SubjectName))
        {
            throw new CertificateChainException(
                $"{what}: issuer expected \"{issuer.Subject}\", got \"{Issuer.Name}\"");
        }

        if (!IsIssuedBy(issuer))
        {
            throw new CertificateChainException($"{what}: signature does not verify with the key of \"{issuer.Subject}\"");
        }
    }

    /// <summary>Throws unless <paramref name="at"/> lies within [thisUpdate, nextUpdate].</summary>
    /// <param name="at">The verification time.</param>
    /// <param name="what">A short name used in the error message.</param>
    /// <exception cref="AttestationFreshnessException">The CRL is not yet valid or is past its next update.</exception>
    public void EnsureCurrent(DateTimeOffset at, string what)
    {
        if (at < ThisUpdate)
        {
            throw new AttestationFreshnessException(
                $"{what}: not yet valid: thisUpdate {Format(ThisUpdate)} is after the verification time {Format(at)}");
        }

        if (NextUpdate is { } next && at > next)
        {
            throw new AttestationFreshnessException(
                $"{what}: expired: nextUpdate {Format(next)} is before the verification time {Format(at)}");
        }
    }

    /// <summary>Returns whether the CRL's issuer name equals <paramref name="name"/> (RFC 5280 comparison via BouncyCastle).</summary>
    /// <param name="name">A distinguished name.</param>
    /// <returns><see langword="true"/> when equivalent.</returns>
    public bool NamesEqual(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var other = X509Name.GetInstance(Asn1Object.FromByteArray(name.RawData));
        return _crl.IssuerDN.Equivalent(other);
    }

    internal static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string NormalizeSerial(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var start = 0;
        while (start < unsignedBigEndian.Length - 1 && unsignedBigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(unsignedBigEndian[start..]);
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart("\r\n\t "u8);
        return trimmed.StartsWith("-----BEGIN"u8);
    }

    private static byte[] DecodePem(ReadOnlySpan<byte> data)
    {
        var text = Encoding.ASCII.GetString(data);
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new AttestationFormatException("CRL: malformed PEM");
        }

        var label = text[fields.Label];
        if (label != "X509 CRL")
        {
            throw new AttestationFormatException($"CRL: PEM label expected \"X509 CRL\", got \"{label}\"");
        }

        if (!string.IsNullOrWhiteSpace(text[fields.Location.End..].TrimEnd('\0')))
        {
            throw new AttestationFormatException("CRL: trailing data after the PEM block");
        }

        return Convert.FromBase64String(text[fields.Base64Data]);
    }
}
