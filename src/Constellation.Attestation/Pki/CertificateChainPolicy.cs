using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Attestation.Pki;

/// <summary>What <see cref="CertificateChainVerifier"/> trusts and when it verifies. Immutable once built.</summary>
public sealed class CertificateChainPolicy
{
    /// <summary>Gets the pinned root certificates; the chain must end in one of them (compared byte for byte).</summary>
    public required IReadOnlyList<X509Certificate2> TrustedRoots { get; init; }

    /// <summary>Gets the time at which every certificate (and CRL) must be valid. Set it explicitly to replay old evidence.</summary>
    public required DateTimeOffset VerificationTime { get; init; }

    /// <summary>Gets the CRLs to apply. Each must be signed by a certificate of the chain and cover one of its certificates.</summary>
    public IReadOnlyList<CertificateRevocationList> RevocationLists { get; init; } = Array.Empty<CertificateRevocationList>();

    /// <summary>Gets a value indicating whether every non-root certificate must be covered by a CRL from its issuer.</summary>
    public bool RequireRevocationLists { get; init; }
}
