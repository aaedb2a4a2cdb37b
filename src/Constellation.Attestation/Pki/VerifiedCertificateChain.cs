using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Pki;

/// <summary>A certificate chain that <see cref="CertificateChainVerifier"/> accepted: leaf first, pinned root last.</summary>
public sealed class VerifiedCertificateChain
{
    internal VerifiedCertificateChain(IReadOnlyList<X509Certificate2> certificates, bool revocationChecked)
    {
        Certificates = certificates;
        RevocationChecked = revocationChecked;
    }

    /// <summary>Gets the chain from leaf to the pinned root.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>Gets the leaf certificate.</summary>
    public X509Certificate2 Leaf => Certificates[0];

    /// <summary>Gets the pinned root the chain ends in.</summary>
    public X509Certificate2 Root => Certificates[^1];

    /// <summary>Gets a value indicating whether every non-root certificate was checked against a CRL from its issuer.</summary>
    public bool RevocationChecked { get; }
}
