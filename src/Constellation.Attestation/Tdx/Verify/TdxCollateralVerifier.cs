using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Verifies TCB info and QE identity: issuer chain to the pinned root (with the root CA CRL when given), the signature
/// over the exact signed member bytes, and freshness (nextUpdate, with an optional grace period). Stateless.
/// </summary>
public static class TdxCollateralVerifier
{
    private const string TcbSigningCn = "Intel SGX TCB Signing";

    /// <summary>Verifies TCB info.</summary>
    /// <param name="tcbInfo">The TCB info.</param>
    /// <param name="issuerChain">TCB signing certificate then root.</param>
    /// <param name="trustedRoots">Pinned roots.</param>
    /// <param name="at">Verification time.</param>
    /// <param name="rootCaCrl">Root CA CRL, or <see langword="null"/> to skip revocation of the signing certificate.</param>
    /// <param name="nextUpdateGrace">How long past nextUpdate the TCB info is still accepted.</param>
    /// <exception cref="AttestationSignatureException">The signature does not verify.</exception>
    /// <exception cref="CertificateChainException">The issuer chain is not trusted.</exception>
    /// <exception cref="AttestationFreshnessException">The TCB info or a certificate is out of date.</exception>
    public static void VerifyTcbInfo(TdxTcbInfo tcbInfo, IReadOnlyList<X509Certificate2> issuerChain, IReadOnlyList<X509Certificate2> trustedRoots,
        DateTimeOffset at, CertificateRevocationList? rootCaCrl, TimeSpan nextUpdateGrace)
    {
        ArgumentNullException.ThrowIfNull(tcbInfo);
        Verify("TCB info", tcbInfo.SignedBytes, tcbInfo.Signature, tcbInfo.IssueDate, tcbInfo.NextUpdate, issuerChain, trustedRoots, at, rootCaCrl, nextUpdateGrace);
    }

    /// <summary>Verifies the QE identity.</summary>
    /// <param name="qeIdentity">The QE identity.</param>
    /// <param name="issuerChain">TCB signing certificate then root.</param>
    /// <param name="trustedRoots">Pinned roots.</param>
    /// <param name="at">Verification time.</param>
    /// <param name="rootCaCrl">Root CA CRL, or <see langword="null"/>.</param>
    /// <param name="nextUpdateGrace">How long past nextUpdate the identity is still accepted.</param>
    /// <exception cref="AttestationSignatureException">The signature does not verify.</exception>
    /// <exception cref="CertificateChainException">The issuer chain is not trusted.</exception>
    /// <exception cref="AttestationFreshnessException">The identity or a certificate is out of date.</exception>
    public static void VerifyQeIdentity(TdxQeIdentity qeIdentity, IReadOnlyList<X509Certificate2> issuerChain, IReadOnlyList<X509Certificate2> trustedRoots,
        DateTimeOffset at, CertificateRevocationList? rootCaCrl, TimeSpan nextUpdateGrace)
    {
        ArgumentNullException.ThrowIfNull(qeIdentity);
        Verify("QE identity", qeIdentity.SignedBytes, qeIdentity.Signature, qeIdentity.IssueDate, qeIdentity.NextUpdate, issuerChain, trustedRoots, at, rootCaCrl, nextUpdateGrace);
    }

    /// <summary>Checks only the signature over the signed bytes with a signing certificate's key (no chain, no time).</summary>
    /// <param name="signedBytes">The exact signed member bytes.</param>
    /// <param name="signature">The r‖s signature.</param>
    /// <param name="signingCertificate">The TCB signing certificate.</param>
    /// <returns>Whether the signature verifies.</returns>
    public static bool SignatureVerifies(ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature, X509Certificate2 signingCertificate)
    {
        ArgumentNullException.ThrowIfNull(signingCertificate);
        using var key = signingCertificate.GetECDsaPublicKey();
        return key is not null && key.KeySize == 256 && P256.Verify(key, signedBytes, signature);
    }

    private static void Verify(string what, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature, DateTimeOffset issueDate, DateTimeOffset nextUpdate,
        IReadOnlyList<X509Certificate2> issuerChain, IReadOnlyList<X509Certificate2> trustedRoots, DateTimeOffset at, CertificateRevocationList? rootCaCrl, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(issuerChain);
        ArgumentNullException.ThrowIfNull(trustedRoots);
        if (issuerChain.Count != 2)
        {
            throw new CertificateChainException($"{what} issuer chain: expected 2 certificates (signing, root), got {issuerChain.Count}");
        }

        var signer = issuerChain[0];
        var signerCn = signer.GetNameInfo(X509NameType.SimpleName, false);
        if (signerCn != TcbSigningCn)
        {
            throw new CertificateChainException($"{what} issuer chain: signing certificate CN expected \"{TcbSigningCn}\", got \"{signerCn}\"");
        }

        // Signature first: a tampered document is reported as tampered even when its chain has also lapsed.
        if (!SignatureVerifies(signed, signature, signer))
        {
            throw new AttestationSignatureException($"{what} signature does not verify with the key of \"{signer.Subject}\" over the signed member bytes");
        }

        CertificateChainVerifier.Verify(issuerChain, new CertificateChainPolicy
        {
            TrustedRoots = trustedRoots,
            VerificationTime = at,
            RevocationLists = rootCaCrl is null ? Array.Empty<CertificateRevocationList>() : [rootCaCrl],
        });

        if (at < issueDate)
        {
            throw new AttestationFreshnessException(
                $"{what} is not yet valid: issueDate {CertificateRevocationList.Format(issueDate)} is after the verification time {CertificateRevocationList.Format(at)}");
        }

        if (at > nextUpdate + grace)
        {
            throw new AttestationFreshnessException(
                $"{what} is out of date: nextUpdate {CertificateRevocationList.Format(nextUpdate)}"
                + (grace > TimeSpan.Zero ? $" plus grace period {grace}" : string.Empty)
                + $" is before the verification time {CertificateRevocationList.Format(at)}");
        }
    }
}
