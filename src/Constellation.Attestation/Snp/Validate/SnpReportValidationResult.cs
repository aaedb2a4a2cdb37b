using System.Collections.Generic;
using Constellation.Attestation.Snp.Verify;

namespace Constellation.Attestation.Snp.Validate;

/// <summary>The outcome of <see cref="SnpReportValidator"/>: every violation of the policy by a verified report.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SnpReportValidationResult
{
    internal SnpReportValidationResult(SnpReportVerificationResult verification, IReadOnlyList<PolicyViolation> violations)
    {
        Verification = verification;
        Violations = violations;
    }

    /// <summary>Gets the verified facts the policy was applied to.</summary>
    public SnpReportVerificationResult Verification { get; }

    /// <summary>Gets every violation, in checklist order; empty when the report complies.</summary>
    public IReadOnlyList<PolicyViolation> Violations { get; }

    /// <summary>Gets a value indicating whether the report complies with the policy.</summary>
    public bool IsValid => Violations.Count == 0;

    /// <summary>Throws when the report violates the policy.</summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="AttestationPolicyException">Listing every violation.</exception>
    public SnpReportValidationResult ThrowIfInvalid() => IsValid ? this : throw new AttestationPolicyException(Violations);
}
