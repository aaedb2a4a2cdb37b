using System;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Collateral;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>
/// What makes an <see cref="SnpRevocationList"/> say anything: the pinned ARK issued and signed it (RSASSA-PSS with the
/// KDS quirks <see cref="AmdSignedData"/> accepts), it is current, and it lists neither certificate of the chain.
/// </summary>
internal static class SnpRevocationListChecks
{
    /// <summary>Throws unless the CRL names <paramref name="ark"/> as issuer and carries its RSASSA-PSS signature.</summary>
    public static void EnsureSignedBy(SnpRevocationList crl, X509Certificate2 ark)
    {
        ArgumentNullException.ThrowIfNull(crl);
        ArgumentNullException.ThrowIfNull(ark);
        if (!crl.Issuer.RawData.AsSpan().SequenceEqual(ark.SubjectName.RawData))
        {
            throw new CertificateChainException($"AMD CRL issuer \"{crl.Issuer.Name}\" is not the ARK \"{ark.Subject}\"");
        }

        using var key = ark.GetRSAPublicKey() ?? throw new CertificateChainException("ARK does not hold an RSA key");
        if (!AmdSignedData.Decode(crl.Encoded, "AMD CRL").VerifyWith(key))
        {
            throw new CertificateChainException($"AMD CRL signature does not verify with the pinned ARK ({AmdNames.Describe(ark)})");
        }
    }

    /// <summary>Throws unless thisUpdate ≤ <paramref name="at"/> &lt; nextUpdate.</summary>
    /// <remarks>A CRL without nextUpdate (RFC 5280 requires one) is refused: nothing would ever make it stale.</remarks>
    public static void EnsureCurrent(SnpRevocationList crl, DateTimeOffset at)
    {
        if (crl.NextUpdate is not { } next)
        {
            throw new AttestationFreshnessException($"AMD CRL (thisUpdate {AmdNames.Format(crl.ThisUpdate)}) has no nextUpdate, so it cannot be judged current at {AmdNames.Format(at)}");
        }

        if (at < crl.ThisUpdate || at >= next)
        {
            throw new AttestationFreshnessException($"AMD CRL is valid {AmdNames.Format(crl.ThisUpdate)} to {AmdNames.Format(next)}, not at {AmdNames.Format(at)}");
        }
    }

    /// <summary>Throws if the CRL lists <paramref name="intermediate"/> or <paramref name="signer"/>.</summary>
    /// <remarks>
    /// The ARK's CRL is the only revocation source AMD publishes. The intermediate is the certificate it actually
    /// covers; the VCEK/VLEK serial is looked up too (fail closed), although KDS issues every VCEK and VLEK with
    /// serial 0, so a listed 0 would refuse all of them (docs/snp.md).
    /// </remarks>
    public static void EnsureNotListed(SnpRevocationList crl, X509Certificate2 intermediate, X509Certificate2 signer)
    {
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(signer);
        foreach (var certificate in new[] { intermediate, signer })
        {
            if (crl.TryGetRevocationTime(certificate, out var revokedAt))
            {
                throw new CertificateChainException(
                    $"{AmdNames.Describe(certificate)} (serial {certificate.SerialNumber.ToLowerInvariant()}) is revoked by the AMD CRL since {AmdNames.Format(revokedAt)}");
            }
        }
    }
}
