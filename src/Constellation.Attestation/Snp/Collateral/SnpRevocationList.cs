using System;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Snp.Verify;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>
/// An AMD CRL as served by KDS at <c>/vcek/v1/{product}/crl</c> (ASK chain) or <c>/vlek/v1/{product}/crl</c> (ASVK
/// chain): issued and signed by the product's ARK.
/// </summary>
/// <remarks>
/// Parsing and the serial lookup are the shared <see cref="CertificateRevocationList"/>; what is AMD-specific is the
/// RSASSA-PSS signature (with the KDS quirks <see cref="AmdSignedData"/> accepts), verified with .NET against the pinned
/// ARK. Immutable and thread-safe.
/// </remarks>
public sealed class SnpRevocationList
{
    private readonly CertificateRevocationList _crl;

    private SnpRevocationList(CertificateRevocationList crl) => _crl = crl;

    /// <summary>Gets the DER encoding.</summary>
    public ReadOnlySpan<byte> RawData => _crl.RawData.Span;

    /// <summary>Gets the CRL's thisUpdate.</summary>
    public DateTimeOffset ThisUpdate => _crl.ThisUpdate;

    /// <summary>Gets the CRL's nextUpdate, if present (a CRL without one never passes <see cref="Check"/>).</summary>
    public DateTimeOffset? NextUpdate => _crl.NextUpdate;

    /// <summary>Parses a DER (or PEM <c>X509 CRL</c>) CRL.</summary>
    /// <param name="der">The encoded CRL; nothing may follow it.</param>
    /// <returns>The CRL.</returns>
    /// <exception cref="CertificateChainException">The bytes are not a CRL.</exception>
    public static SnpRevocationList Parse(ReadOnlySpan<byte> der)
    {
        try
        {
            return new SnpRevocationList(CertificateRevocationList.Parse(der));
        }
        catch (AttestationFormatException ex)
        {
            // Callers treat an unusable AMD CRL as a broken chain, not as malformed evidence from the attester.
            throw new CertificateChainException($"AMD CRL is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks that the CRL was issued and signed by <paramref name="ark"/>, is current at <paramref name="at"/>, and
    /// lists neither <paramref name="intermediate"/> nor <paramref name="signer"/>.
    /// </summary>
    /// <param name="ark">The pinned ARK.</param>
    /// <param name="intermediate">The ASK or ASVK.</param>
    /// <param name="signer">The VCEK or VLEK.</param>
    /// <param name="at">The verification time.</param>
    /// <exception cref="CertificateChainException">Wrong issuer, bad signature, or a certificate is revoked.</exception>
    /// <exception cref="AttestationFreshnessException">The CRL is not current at <paramref name="at"/>.</exception>
    public void Check(X509Certificate2 ark, X509Certificate2 intermediate, X509Certificate2 signer, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(signer);
        EnsureSignedBy(ark);
        EnsureCurrent(at);
        EnsureNotListed(intermediate, signer);
    }

    /// <summary>Tells whether the CRL's issuer name carries <paramref name="commonName"/> as CN (no signature check).</summary>
    internal bool HasIssuerCommonName(string commonName) =>
        System.Linq.Enumerable.Any(_crl.Issuer.EnumerateRelativeDistinguishedNames(),
            rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() == commonName);

    /// <summary>Throws unless the CRL names <paramref name="ark"/> as issuer and carries its RSASSA-PSS signature.</summary>
    internal void EnsureSignedBy(X509Certificate2 ark)
    {
        ArgumentNullException.ThrowIfNull(ark);
        if (!_crl.Issuer.RawData.AsSpan().SequenceEqual(ark.SubjectName.RawData))
        {
            throw new CertificateChainException($"AMD CRL issuer \"{_crl.Issuer.Name}\" is not the ARK \"{ark.Subject}\"");
        }

        using var key = ark.GetRSAPublicKey() ?? throw new CertificateChainException("ARK does not hold an RSA key");
        if (!AmdSignedData.Decode(_crl.RawData, "AMD CRL").VerifyWith(key))
        {
            throw new CertificateChainException($"AMD CRL signature does not verify with the pinned ARK ({AmdNames.Describe(ark)})");
        }
    }

    /// <summary>Throws unless thisUpdate ≤ <paramref name="at"/> &lt; nextUpdate.</summary>
    /// <remarks>A CRL without nextUpdate (RFC 5280 requires one) is refused: nothing would ever make it stale.</remarks>
    internal void EnsureCurrent(DateTimeOffset at)
    {
        if (NextUpdate is not { } next)
        {
            throw new AttestationFreshnessException($"AMD CRL (thisUpdate {AmdNames.Format(ThisUpdate)}) has no nextUpdate, so it cannot be judged current at {AmdNames.Format(at)}");
        }

        if (at < ThisUpdate || at >= next)
        {
            throw new AttestationFreshnessException($"AMD CRL is valid {AmdNames.Format(ThisUpdate)} to {AmdNames.Format(next)}, not at {AmdNames.Format(at)}");
        }
    }

    /// <summary>Throws if the CRL lists <paramref name="intermediate"/> or <paramref name="signer"/>.</summary>
    /// <remarks>
    /// The ARK's CRL is the only revocation source AMD publishes. The intermediate is the certificate it actually
    /// covers; the VCEK/VLEK serial is looked up too (fail closed), although KDS issues every VCEK and VLEK with
    /// serial 0, so a listed 0 would refuse all of them (docs/snp.md).
    /// </remarks>
    internal void EnsureNotListed(X509Certificate2 intermediate, X509Certificate2 signer)
    {
        foreach (var certificate in new[] { intermediate, signer })
        {
            if (_crl.TryGetRevocationTime(certificate, out var revokedAt))
            {
                throw new CertificateChainException(
                    $"{AmdNames.Describe(certificate)} (serial {certificate.SerialNumber.ToLowerInvariant()}) is revoked by the AMD CRL since {AmdNames.Format(revokedAt)}");
            }
        }
    }
}
