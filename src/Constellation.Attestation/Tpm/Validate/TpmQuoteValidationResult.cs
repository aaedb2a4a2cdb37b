using System.Collections.Generic;
using Constellation.Attestation.Tpm.Verify;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>The outcome of <see cref="TpmQuoteValidator"/>: every violation of the policy, and every warning.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TpmQuoteValidationResult
{
    private readonly PolicyViolation? _nonce;

    internal TpmQuoteValidationResult(
        TpmQuoteVerificationResult verification, PolicyViolation? nonce, MeasurementComparison? measurements, IReadOnlyList<PolicyViolation> violations, IReadOnlyList<string> warnings)
    {
        Verification = verification;
        _nonce = nonce;
        Measurements = measurements;
        Violations = violations;
        Warnings = warnings;
    }

    /// <summary>Gets the verified facts the policy was applied to.</summary>
    public TpmQuoteVerificationResult Verification { get; }

    /// <summary>
    /// Gets every violation: the nonce binding first (field <c>quote extraData (nonce)</c>), then each enforced
    /// measurement the quoted PCR values do not match, in index order. Empty when the quote complies.
    /// </summary>
    public IReadOnlyList<PolicyViolation> Violations { get; }

    /// <summary>Gets the comparison with <see cref="TpmValidationOptions.Measurements"/> (every mismatch, enforced and warn-only), or <see langword="null"/> when none were given.</summary>
    public MeasurementComparison? Measurements { get; }

    /// <summary>Gets a value indicating whether the quote complies with the policy.</summary>
    public bool IsValid => Violations.Count == 0;

    /// <summary>Gets every non-fatal finding: warn-only measurement mismatches, then that nothing was compared (<see cref="MeasurementSet.EmptyAllowed"/>).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Throws when the quote violates the policy: a quote that is not bound to the nonce first (its PCR values say nothing
    /// about this exchange), then the measurements.
    /// </summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="AttestationBindingException">The quote does not carry the expected nonce.</exception>
    /// <exception cref="MeasurementMismatchException">An enforced measurement mismatched; lists every mismatch, enforced and warn-only.</exception>
    public TpmQuoteValidationResult ThrowIfInvalid()
    {
        if (_nonce is { } nonce)
        {
            throw new AttestationBindingException(nonce.Field, nonce.Expected, nonce.Actual);
        }

        Measurements?.ThrowIfFailed();
        return this;
    }
}
