using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Pki;

/// <summary>
/// Verifies an ordered certificate chain (leaf first) against pinned roots at a settable time, with optional CRLs.
/// </summary>
/// <remarks>
/// Signatures and CA constraints are checked by the platform's <see cref="X509Chain"/> with a custom trust store,
/// no network access and no system roots; this class adds the exact-order requirement, byte-exact root pinning,
/// freshness errors that name the certificate, and CRL checks. Stateless and thread-safe.
/// </remarks>
public static class CertificateChainVerifier
{
    /// <summary>Verifies <paramref name="chain"/> under <paramref name="policy"/>.</summary>
    /// <param name="chain">Leaf first, each certificate issued by the next; the root may be included or left out.</param>
    /// <param name="policy">Pinned roots, verification time and CRLs.</param>
    /// <returns>The verified chain, ending in the pinned root.</returns>
    /// <exception cref="AttestationFormatException">A certificate of the chain does not decode.</exception>
    /// <exception cref="AttestationFreshnessException">A certificate or CRL is outside its validity window.</exception>
    /// <exception cref="CertificateChainException">The chain does not lead to a pinned root, a signature or constraint fails, or a certificate is revoked.</exception>
    /// <exception cref="CollateralUnavailableException">CRLs are required but one is missing.</exception>
    public static VerifiedCertificateChain Verify(IReadOnlyList<X509Certificate2> chain, CertificateChainPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(policy);
        if (chain.Count == 0)
        {
            throw new CertificateChainException("certificate chain is empty");
        }

        if (policy.TrustedRoots.Count == 0)
        {
            throw new ArgumentException("at least one trusted root is required", nameof(policy));
        }

        for (var i = 0; i < chain.Count; i++)
        {
            CertificateDecoding.EnsureDecodable(chain[i], $"certificate {i} of the chain");
        }

        var full = WithPinnedRoot(chain, policy.TrustedRoots);
        var at = policy.VerificationTime;
        foreach (var cert in full)
        {
            EnsureTimeValid(cert, at);
        }

        for (var i = 0; i + 1 < full.Count; i++)
        {
            if (!full[i].IssuerName.RawData.AsSpan().SequenceEqual(full[i + 1].SubjectName.RawData)
                && !string.Equals(full[i].Issuer, full[i + 1].Subject, StringComparison.Ordinal))
            {
                throw new CertificateChainException(
                    $"certificate \"{full[i].Subject}\": issuer expected \"{full[i + 1].Subject}\", got \"{full[i].Issuer}\"");
            }
        }

        VerifyWithPlatform(full, at);
        var revocationChecked = CheckRevocation(full, policy);
        return new VerifiedCertificateChain(full, revocationChecked);
    }

    /// <summary>Throws unless <paramref name="at"/> lies within the certificate's validity window.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <param name="at">The verification time.</param>
    /// <exception cref="AttestationFreshnessException">Expired or not yet valid.</exception>
    public static void EnsureTimeValid(X509Certificate2 certificate, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (at < notBefore || at > notAfter)
        {
            var state = at < notBefore ? "not yet valid" : "expired";
            throw new AttestationFreshnessException(
                $"certificate \"{certificate.Subject}\" is {state}: valid {CertificateRevocationList.Format(notBefore)} to "
                + $"{CertificateRevocationList.Format(notAfter)}, verification time {CertificateRevocationList.Format(at)}");
        }
    }

    /// <summary>Gets the lowercase hex SHA-256 fingerprint of a certificate's DER encoding.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>64 hex characters.</returns>
    public static string Sha256Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }

    private static List<X509Certificate2> WithPinnedRoot(IReadOnlyList<X509Certificate2> chain, IReadOnlyList<X509Certificate2> roots)
    {
        var full = chain.ToList();
        var last = full[^1];
        if (IsSelfIssued(last))
        {
            if (!roots.Any(r => r.RawData.AsSpan().SequenceEqual(last.RawData)))
            {
                throw new CertificateChainException(
                    $"root certificate \"{last.Subject}\" (SHA-256 {Sha256Fingerprint(last)}) is not a pinned root; pinned: "
                    + string.Join(", ", roots.Select(r => $"\"{r.Subject}\" (SHA-256 {Sha256Fingerprint(r)})")));
            }

            return full;
        }

        var anchor = roots.FirstOrDefault(r => r.SubjectName.RawData.AsSpan().SequenceEqual(last.IssuerName.RawData))
            ?? throw new CertificateChainException(
                $"certificate \"{last.Subject}\" is issued by \"{last.Issuer}\", which is not a pinned root");
        full.Add(anchor);
        return full;
    }

    private static bool IsSelfIssued(X509Certificate2 cert) =>
        cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData);

    private static void VerifyWithPlatform(List<X509Certificate2> full, DateTimeOffset at)
    {
        using var x509 = new X509Chain();
        x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        x509.ChainPolicy.CustomTrustStore.Add(full[^1]);
        for (var i = 1; i < full.Count - 1; i++)
        {
            x509.ChainPolicy.ExtraStore.Add(full[i]);
        }

        x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        x509.ChainPolicy.DisableCertificateDownloads = true;
        x509.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        x509.ChainPolicy.VerificationTime = at.UtcDateTime;
        x509.ChainPolicy.VerificationTimeIgnored = false;

        // The leaf's extended key usage is not constrained: attestation leaves (PCK, VCEK) carry none.
        bool ok;
        try
        {
            ok = x509.Build(full[0]);
        }
        catch (CryptographicException ex)
        {
            // OpenSSL gives up on some corrupt certificates (e.g. an unknown public-key algorithm) instead of reporting a status.
            throw new CertificateChainException($"certificate chain for \"{full[0].Subject}\" cannot be built: {ex.Message}", ex);
        }

        if (!ok)
        {
            var problems = x509.ChainStatus
                .Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => $"{s.Status}: {s.StatusInformation.Trim()}");
            throw new CertificateChainException(
                $"certificate chain for \"{full[0].Subject}\" does not verify to the pinned root: {string.Join("; ", problems)}");
        }

        var built = x509.ChainElements.Select(e => e.Certificate).ToList();
        if (built.Count != full.Count || !built.Zip(full).All(p => p.First.RawData.AsSpan().SequenceEqual(p.Second.RawData)))
        {
            throw new CertificateChainException(
                $"certificate chain for \"{full[0].Subject}\" verified along a different path than the one presented");
        }
    }

    private static bool CheckRevocation(List<X509Certificate2> full, CertificateChainPolicy policy)
    {
        var used = new bool[policy.RevocationLists.Count];
        var allCovered = true;
        for (var i = 0; i + 1 < full.Count; i++)
        {
            var cert = full[i];
            var issuer = full[i + 1];
            var covered = false;
            for (var c = 0; c < policy.RevocationLists.Count; c++)
            {
                var crl = policy.RevocationLists[c];
                if (!crl.NamesEqual(issuer.SubjectName))
                {
                    continue;
                }

                var what = $"CRL of \"{issuer.Subject}\"";
                crl.EnsureIssuedBy(issuer, what);
                crl.EnsureCurrent(policy.VerificationTime, what);
                used[c] = true;
                covered = true;
                if (crl.IsRevoked(cert))
                {
                    throw new CertificateChainException(
                        $"certificate \"{cert.Subject}\" (serial {cert.SerialNumber}) is revoked by the {what}");
                }
            }

            if (!covered)
            {
                allCovered = false;
                if (policy.RequireRevocationLists)
                {
                    throw new CollateralUnavailableException(
                        $"no CRL issued by \"{issuer.Subject}\" was supplied to check \"{cert.Subject}\"");
                }
            }
        }

        for (var c = 0; c < used.Length; c++)
        {
            if (!used[c])
            {
                throw new CertificateChainException(
                    $"CRL issued by \"{policy.RevocationLists[c].Issuer.Name}\" covers no certificate of the chain for \"{full[0].Subject}\"");
            }
        }

        return allCovered;
    }
}
