using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// An AK certificate verified through the intermediates the evidence presents (leaf first) to a pinned root at a
/// verification time: the family-level trust in an attestation key. Which roots are pinned, and what else a cloud
/// demands of the key (azure-trustedlaunch: RSA), is the variant's.
/// </summary>
/// <remarks>Immutable and thread-safe. The certificates stay owned by whoever passed them in.</remarks>
public sealed class AkCertificateChain
{
    private AkCertificateChain(VerifiedCertificateChain chain) => Chain = chain;

    /// <summary>Gets the verified chain: the AK certificate, the intermediates, the pinned root (and whether CRLs were applied; none are for AK chains).</summary>
    public VerifiedCertificateChain Chain { get; }

    /// <summary>Gets the AK certificate.</summary>
    public X509Certificate2 AkCertificate => Chain.Leaf;

    /// <summary>Verifies <paramref name="akCertificate"/> through <paramref name="intermediates"/> to one of <paramref name="trustedRoots"/>.</summary>
    /// <param name="akCertificate">The AK certificate.</param>
    /// <param name="intermediates">The issuing CAs as the evidence presents them, the AK certificate's issuer first (the root may be left out).</param>
    /// <param name="trustedRoots">The pinned roots; at least one.</param>
    /// <param name="verificationTime">When every certificate must be valid.</param>
    /// <returns>The verified chain.</returns>
    /// <exception cref="AttestationFormatException">A certificate does not decode.</exception>
    /// <exception cref="AttestationFreshnessException">A certificate is outside its validity window.</exception>
    /// <exception cref="CertificateChainException">The chain does not lead to a pinned root or a signature or constraint fails.</exception>
    public static AkCertificateChain Verify(AkCertificate akCertificate, IReadOnlyList<X509Certificate2> intermediates, IReadOnlyList<X509Certificate2> trustedRoots, DateTimeOffset verificationTime)
    {
        ArgumentNullException.ThrowIfNull(akCertificate);
        ArgumentNullException.ThrowIfNull(intermediates);
        ArgumentNullException.ThrowIfNull(trustedRoots);
        var presented = new List<X509Certificate2>(intermediates.Count + 1) { akCertificate.Certificate };
        presented.AddRange(intermediates);
        return new AkCertificateChain(CertificateChainVerifier.Verify(presented, new CertificateChainPolicy { TrustedRoots = trustedRoots, VerificationTime = verificationTime }));
    }

    /// <summary>Tells whether the AK certificate certifies <paramref name="attestationKey"/> (same RSA modulus and exponent, or same curve and point).</summary>
    /// <param name="attestationKey">The AK public area the quotes are signed with.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Certifies(TpmPublic attestationKey)
    {
        ArgumentNullException.ThrowIfNull(attestationKey);
        return TpmKeyComparison.KeyEquals(attestationKey, AkCertificate.PublicKey.ExportSubjectPublicKeyInfo());
    }
}
