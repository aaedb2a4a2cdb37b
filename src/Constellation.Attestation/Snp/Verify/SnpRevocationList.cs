using System;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;

namespace Constellation.Attestation.Snp;

/// <summary>
/// An AMD CRL (ARK-signed, lists revoked ASK/ASVK serials) as served by KDS at <c>/vcek/v1/{product}/crl</c>.
/// Parsed with BouncyCastle; the RSASSA-PSS signature is verified with .NET against the pinned ARK.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SnpRevocationList
{
    private readonly X509Crl _crl;
    private readonly byte[] _der;

    private SnpRevocationList(X509Crl crl, byte[] der)
    {
        _crl = crl;
        _der = der;
    }

    /// <summary>Gets the DER encoding.</summary>
    public ReadOnlySpan<byte> RawData => _der;

    /// <summary>Gets the CRL's thisUpdate.</summary>
    public DateTimeOffset ThisUpdate => new(DateTime.SpecifyKind(_crl.ThisUpdate, DateTimeKind.Utc));

    /// <summary>Tells whether the CRL's issuer name carries <paramref name="commonName"/> as CN (no signature check).</summary>
    internal bool HasIssuerCommonName(string commonName) =>
        _crl.IssuerDN.GetValueList(Org.BouncyCastle.Asn1.X509.X509Name.CN).Contains(commonName);

    /// <summary>Gets the CRL's nextUpdate, if present.</summary>
    public DateTimeOffset? NextUpdate => _crl.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;

    /// <summary>Parses a DER CRL.</summary>
    /// <param name="der">The DER bytes.</param>
    /// <returns>The CRL.</returns>
    /// <exception cref="CertificateChainException">The bytes are not a CRL.</exception>
    public static SnpRevocationList Parse(ReadOnlySpan<byte> der)
    {
        var bytes = der.ToArray();
        try
        {
            var crl = new X509CrlParser().ReadCrl(bytes) ?? throw new CertificateChainException("AMD CRL is empty");
            if (!crl.GetEncoded().AsSpan().SequenceEqual(bytes))
            {
                throw new CertificateChainException("AMD CRL has trailing or non-DER bytes");
            }

            return new SnpRevocationList(crl, bytes);
        }
        catch (Exception ex) when (ex is not CertificateChainException and not OutOfMemoryException)
        {
            throw new CertificateChainException($"AMD CRL is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks that the CRL was issued and signed by <paramref name="ark"/>, is current at <paramref name="at"/>,
    /// and does not list <paramref name="intermediate"/>.
    /// </summary>
    /// <param name="ark">The pinned ARK.</param>
    /// <param name="intermediate">The ASK or ASVK.</param>
    /// <param name="at">The verification time.</param>
    /// <exception cref="CertificateChainException">Wrong issuer, bad signature, or the intermediate is revoked.</exception>
    /// <exception cref="AttestationFreshnessException">The CRL is not current at <paramref name="at"/>.</exception>
    public void Check(X509Certificate2 ark, X509Certificate2 intermediate, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(ark);
        ArgumentNullException.ThrowIfNull(intermediate);
        if (!_crl.IssuerDN.GetEncoded().AsSpan().SequenceEqual(ark.SubjectName.RawData))
        {
            throw new CertificateChainException($"AMD CRL issuer \"{_crl.IssuerDN}\" is not the ARK \"{ark.Subject}\"");
        }

        using var key = ark.GetRSAPublicKey() ?? throw new CertificateChainException("ARK does not hold an RSA key");
        if (!AmdSignedData.Decode(_der, "AMD CRL").VerifyWith(key))
        {
            throw new CertificateChainException("AMD CRL signature does not verify with the pinned ARK");
        }

        if (at < ThisUpdate || (NextUpdate is { } next && at >= next))
        {
            throw new AttestationFreshnessException(
                $"AMD CRL is valid {AmdNames.Format(ThisUpdate)} to {(NextUpdate is { } n ? AmdNames.Format(n) : "(no nextUpdate)")}, not at {AmdNames.Format(at)}");
        }

        var serial = new Org.BouncyCastle.Math.BigInteger(1, intermediate.SerialNumberBytes.ToArray());
        if (_crl.GetRevokedCertificate(serial) is { } revoked)
        {
            throw new CertificateChainException(
                $"{AmdNames.Describe(intermediate)} (serial {intermediate.SerialNumber.ToLowerInvariant()}) is revoked by the AMD CRL since {AmdNames.Format(new DateTimeOffset(DateTime.SpecifyKind(revoked.RevocationDate, DateTimeKind.Utc)))}");
        }
    }
}
