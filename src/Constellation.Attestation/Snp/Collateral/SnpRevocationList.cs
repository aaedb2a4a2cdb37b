using System;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>
/// An AMD CRL as served by KDS at <c>/vcek/v1/{product}/crl</c> (ASK chain) or <c>/vlek/v1/{product}/crl</c> (ASVK
/// chain): issued and signed by the product's ARK.
/// </summary>
/// <remarks>
/// The format only: parsing and the serial lookup are the shared <see cref="CertificateRevocationList"/>. Nothing here
/// is trusted by itself: <see cref="Verify.SnpReportVerifier"/> checks the ARK's RSASSA-PSS signature, the currency and
/// the listed serials. Immutable and thread-safe.
/// </remarks>
public sealed class SnpRevocationList
{
    private readonly CertificateRevocationList _crl;

    private SnpRevocationList(CertificateRevocationList crl) => _crl = crl;

    /// <summary>Gets the DER encoding.</summary>
    public ReadOnlySpan<byte> RawData => _crl.RawData.Span;

    /// <summary>Gets the CRL's thisUpdate.</summary>
    public DateTimeOffset ThisUpdate => _crl.ThisUpdate;

    /// <summary>Gets the CRL's nextUpdate, if present (a CRL without one is never accepted as current).</summary>
    public DateTimeOffset? NextUpdate => _crl.NextUpdate;

    /// <summary>Gets the DER encoding, for the signature check.</summary>
    internal ReadOnlyMemory<byte> Encoded => _crl.RawData;

    /// <summary>Gets the issuer name as written (not yet checked against anything).</summary>
    internal X500DistinguishedName Issuer => _crl.Issuer;

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

    /// <summary>Tells whether the CRL's issuer name carries <paramref name="commonName"/> as CN (no signature check).</summary>
    internal bool HasIssuerCommonName(string commonName) =>
        System.Linq.Enumerable.Any(_crl.Issuer.EnumerateRelativeDistinguishedNames(),
            rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() == commonName);

    /// <summary>Looks up a certificate's serial (and issuer) in the list.</summary>
    internal bool TryGetRevocationTime(X509Certificate2 certificate, out DateTimeOffset revokedAt) =>
        _crl.TryGetRevocationTime(certificate, out revokedAt);
}
