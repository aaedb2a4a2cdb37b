using System;
using System.Collections.Generic;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>
/// The outcome of verifying a report: either valid (with the facts established) or every failure found.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SnpReportVerificationResult
{
    internal SnpReportVerificationResult(SnpReport report, SnpProductLine? productLine, SnpEndorsementCertificate? endorsement, IReadOnlyList<AttestationException> failures)
    {
        Report = report;
        ProductLine = productLine;
        Endorsement = endorsement;
        Failures = failures;
    }

    /// <summary>Gets the report (with TCBs decoded in the layout of <see cref="ProductLine"/> when known).</summary>
    public SnpReport Report { get; }

    /// <summary>Gets the product line the report was verified for, if it could be determined.</summary>
    public SnpProductLine? ProductLine { get; }

    /// <summary>Gets the signer certificate, if it could be parsed.</summary>
    public SnpEndorsementCertificate? Endorsement { get; }

    /// <summary>Gets every failure, most fundamental first; empty when the report is valid.</summary>
    public IReadOnlyList<AttestationException> Failures { get; }

    /// <summary>Gets a value indicating whether the signature and chain verified.</summary>
    public bool IsValid => Failures.Count == 0;

    /// <summary>Throws the first (most fundamental) failure if the report is not valid.</summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="AttestationException">The first failure.</exception>
    public SnpReportVerificationResult ThrowIfInvalid() => IsValid ? this : throw Failures[0];
}
