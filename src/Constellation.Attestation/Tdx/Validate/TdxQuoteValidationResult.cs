using System.Collections.Generic;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>The outcome of <see cref="TdxQuoteValidator"/>: every violation of the policy, and every warning.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TdxQuoteValidationResult
{
    internal TdxQuoteValidationResult(TdxQuoteVerificationResult verification, IReadOnlyList<PolicyViolation> violations, IReadOnlyList<string> warnings)
    {
        Verification = verification;
        Violations = violations;
        Warnings = warnings;
    }

    /// <summary>Gets the verified facts the policy was applied to.</summary>
    public TdxQuoteVerificationResult Verification { get; }

    /// <summary>Gets every violation, in checklist order; empty when the quote complies.</summary>
    public IReadOnlyList<PolicyViolation> Violations { get; }

    /// <summary>Gets a value indicating whether the quote complies with the policy.</summary>
    public bool IsValid => Violations.Count == 0;

    /// <summary>
    /// Gets every non-fatal finding: the verification's (collateral within its grace period), then the policy's (an
    /// out-of-date TCB accepted within its grace period).
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Throws when the quote violates the policy.</summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="TdxPolicyException">Every violation, with the TCB evaluation and the matched QE identity level.</exception>
    public TdxQuoteValidationResult ThrowIfInvalid() =>
        IsValid ? this : throw new TdxPolicyException(Violations, Verification.Tcb, Verification.QeTcbLevel);
}
