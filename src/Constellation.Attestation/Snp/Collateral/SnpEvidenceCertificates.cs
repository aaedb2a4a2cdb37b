using System;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Verify;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>
/// The certificates that come with a report: the signer (VCEK or VLEK) and its intermediate (ASK or ASVK).
/// The ARK is never taken from here; it is pinned in <see cref="SnpTrustedRoots"/>.
/// </summary>
/// <param name="Signer">The VCEK or VLEK.</param>
/// <param name="Intermediate">The ASK or ASVK.</param>
/// <param name="RevocationList">The ARK-signed CRL for the intermediate, if available; checked when present.</param>
public sealed record SnpEvidenceCertificates(X509Certificate2 Signer, X509Certificate2 Intermediate, SnpRevocationList? RevocationList = null)
{
    /// <summary>Picks the intermediate out of a PEM chain (ASK/ASVK first, ARK optional and ignored, as KDS serves it).</summary>
    /// <param name="chainPem">The PEM chain.</param>
    /// <returns>The ASK or ASVK.</returns>
    /// <exception cref="CertificateChainException">The PEM holds no certificate or more than one non-ARK certificate.</exception>
    public static X509Certificate2 IntermediateFromChain(string chainPem)
    {
        ArgumentNullException.ThrowIfNull(chainPem);
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(chainPem);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new CertificateChainException($"certificate chain PEM is malformed: {ex.Message}", ex);
        }

        X509Certificate2? intermediate = null;
        foreach (var certificate in collection)
        {
            if (AmdNames.Describe(certificate).StartsWith("ARK-", StringComparison.Ordinal))
            {
                continue;
            }

            if (intermediate is not null)
            {
                throw new CertificateChainException("certificate chain holds more than one intermediate (ASK/ASVK)");
            }

            intermediate = certificate;
        }

        return intermediate ?? throw new CertificateChainException("certificate chain holds no ASK or ASVK");
    }
}
