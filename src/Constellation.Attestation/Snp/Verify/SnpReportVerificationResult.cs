using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>
/// The outcome of verifying a report: either valid (with the facts established: which signer, intermediate and pinned
/// ARK verified it, at which time, whether revocation was checked) or every failure found.
/// </summary>
/// <remarks>Immutable and thread-safe. Policy is applied to it by <see cref="Validate.SnpReportValidator"/>, which refuses an invalid one.</remarks>
public sealed class SnpReportVerificationResult
{
    internal SnpReportVerificationResult(SnpReport report, SnpProductLine? productLine, SnpEndorsementCertificate? endorsement, IReadOnlyList<AttestationException> failures)
        : this(report, productLine, endorsement, failures, default, null, null, revocationChecked: false)
    {
    }

    internal SnpReportVerificationResult(
        SnpReport report, SnpProductLine? productLine, SnpEndorsementCertificate? endorsement, IReadOnlyList<AttestationException> failures,
        DateTimeOffset verificationTime, X509Certificate2? intermediate, X509Certificate2? ark, bool revocationChecked)
    {
        Report = report;
        ProductLine = productLine;
        Endorsement = endorsement;
        Failures = failures;
        VerificationTime = verificationTime;
        Intermediate = intermediate;
        Ark = ark;
        RevocationChecked = revocationChecked;
    }

    /// <summary>Gets the report (with TCBs decoded in the layout of <see cref="ProductLine"/> when known).</summary>
    public SnpReport Report { get; }

    /// <summary>Gets the product line the report was verified for, if it could be determined.</summary>
    public SnpProductLine? ProductLine { get; }

    /// <summary>Gets the signer certificate (VCEK or VLEK), if it could be parsed.</summary>
    public SnpEndorsementCertificate? Endorsement { get; }

    /// <summary>Gets the intermediate (ASK or ASVK) the signer chained through, when the chain verified.</summary>
    public X509Certificate2? Intermediate { get; }

    /// <summary>Gets the pinned ARK the chain ended in, when the chain verified.</summary>
    public X509Certificate2? Ark { get; }

    /// <summary>Gets the time at which certificate and CRL validity was judged (default when verification stopped before).</summary>
    public DateTimeOffset VerificationTime { get; }

    /// <summary>
    /// Gets a value indicating whether an ARK-signed CRL was applied to the chain (signature, currency, and neither the
    /// intermediate nor the signer listed). <see langword="false"/> when revocation checking was opted out of without a CRL.
    /// </summary>
    public bool RevocationChecked { get; }

    /// <summary>Gets every failure, most fundamental first; empty when the report is valid.</summary>
    public IReadOnlyList<AttestationException> Failures { get; }

    /// <summary>Gets a value indicating whether the signature and chain verified.</summary>
    public bool IsValid => Failures.Count == 0;

    /// <summary>Throws the first (most fundamental) failure if the report is not valid.</summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="AttestationException">The first failure.</exception>
    public SnpReportVerificationResult ThrowIfInvalid() => IsValid ? this : throw Failures[0];
}
