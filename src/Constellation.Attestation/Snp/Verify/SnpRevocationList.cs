using System;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;

namespace Constellation.Attestation.Snp;

/// <summary>
/// An AMD CRL (ARK-signed, lists revoked ASK/ASVK serials) as served by KDS at <c>/vcek/v1/{product}/crl</c>.
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

    /// <summary>Tells whether the CRL's issuer name carries <paramref name="commonName"/> as CN (no signature check).</summary>
    internal bool HasIssuerCommonName(string commonName) =>
        System.Linq.Enumerable.Any(_crl.Issuer.EnumerateRelativeDistinguishedNames(),
            rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() == commonName);

    /// <summary>Gets the CRL's nextUpdate, if present.</summary>
    public DateTimeOffset? NextUpdate => _crl.NextUpdate;

    /// <summary>Parses a DER CRL.</summary>
    /// <param name="der">The DER bytes; nothing may follow the CRL.</param>
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
        if (!_crl.Issuer.RawData.AsSpan().SequenceEqual(ark.SubjectName.RawData))
        {
            throw new CertificateChainException($"AMD CRL issuer \"{_crl.Issuer.Name}\" is not the ARK \"{ark.Subject}\"");
        }

        using var key = ark.GetRSAPublicKey() ?? throw new CertificateChainException("ARK does not hold an RSA key");
        if (!AmdSignedData.Decode(_crl.RawData, "AMD CRL").VerifyWith(key))
        {
            throw new CertificateChainException("AMD CRL signature does not verify with the pinned ARK");
        }

        if (at < ThisUpdate || (NextUpdate is { } next && at >= next))
        {
            throw new AttestationFreshnessException(
                $"AMD CRL is valid {AmdNames.Format(ThisUpdate)} to {(NextUpdate is { } n ? AmdNames.Format(n) : "(no nextUpdate)")}, not at {AmdNames.Format(at)}");
        }

        if (_crl.TryGetRevocationTime(intermediate, out var revokedAt))
        {
            throw new CertificateChainException(
                $"{AmdNames.Describe(intermediate)} (serial {intermediate.SerialNumber.ToLowerInvariant()}) is revoked by the AMD CRL since {AmdNames.Format(revokedAt)}");
        }
    }
}
