using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>
/// Applies a <see cref="TpmValidationOptions"/> policy to the facts of a verified quote and reports <em>every</em>
/// violation: the nonce binding, then each enforced measurement that the quoted PCR values do not match, in index order.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Never re-verifies a signature: it trusts <see cref="TpmQuoteVerifier"/> for that, and a
/// <see cref="TpmQuoteVerificationResult"/> exists only for a quote whose signature, selection and digest verified.
/// </remarks>
public static class TpmQuoteValidator
{
    /// <summary>The field a nonce violation names (as the binding error of a vTPM document does).</summary>
    internal const string NonceField = "quote extraData (nonce)";

    /// <summary>Lists every way the verified quote violates <paramref name="options"/>.</summary>
    /// <param name="verification">The verification result.</param>
    /// <param name="options">The policy.</param>
    /// <returns>The violations and warnings; call <see cref="TpmQuoteValidationResult.ThrowIfInvalid"/> to throw on any violation.</returns>
    public static TpmQuoteValidationResult Validate(TpmQuoteVerificationResult verification, TpmValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(options);

        var nonce = NonceViolation(verification.Attest, options);

        var comparison = options.Measurements?.Compare(verification.SortedPcrValues);
        var nothingCompared = options.Measurements is { Count: 0 };

        // Most validations find nothing: they share the empty lists.
        IReadOnlyList<PolicyViolation> violations = nonce is null && (comparison is null || comparison.Succeeded) ? [] : Violations(verification.Bank, nonce, comparison);
        IReadOnlyList<string> warnings = (comparison is null || comparison.Mismatches.IsEmpty) && !nothingCompared ? [] : Warnings(comparison, nothingCompared);
        return new TpmQuoteValidationResult(verification, nonce, comparison, violations, warnings);
    }

    /// <summary>
    /// Checks only the nonce binding of a quote whose PCR values are not at hand (so no verification result exists), after
    /// its signature has been verified over the very bytes <paramref name="attest"/> was parsed from
    /// (<see cref="TpmQuoteVerifier.VerifySignature(TpmPublic, ReadOnlySpan{byte}, TpmSignature)"/>). <see cref="TpmValidationOptions.Measurements"/> is not used.
    /// </summary>
    /// <param name="attest">The signed TPMS_ATTEST.</param>
    /// <param name="options">The policy; its <see cref="TpmValidationOptions.ExpectedNonce"/> is compared in constant time.</param>
    /// <returns>The violation (field <c>quote extraData (nonce)</c>), or <see langword="null"/> when the quote carries the nonce.</returns>
    public static PolicyViolation? ValidateNonce(TpmAttest attest, TpmValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(attest);
        ArgumentNullException.ThrowIfNull(options);
        return NonceViolation(attest, options);
    }

    private static PolicyViolation? NonceViolation(TpmAttest attest, TpmValidationOptions options)
    {
        var extraData = attest.ExtraData.Span;
        return CryptographicOperations.FixedTimeEquals(extraData, options.ExpectedNonce.Span)
            ? null
            : new PolicyViolation(NonceField, Convert.ToHexStringLower(options.ExpectedNonce.Span), Convert.ToHexStringLower(extraData));
    }

    private static List<PolicyViolation> Violations(TpmAlgorithm bank, PolicyViolation? nonce, MeasurementComparison? comparison)
    {
        var violations = new List<PolicyViolation>();
        if (nonce is not null)
        {
            violations.Add(nonce);
        }

        foreach (var failure in comparison?.Failures ?? [])
        {
            violations.Add(new PolicyViolation(
                $"{TpmHash.ToDisplayName(bank)} PCR {failure.Index}",
                failure.Expected.ToHex(),
                failure.Actual is { } actual ? Convert.ToHexStringLower(actual.AsSpan()) : "no value in the quote"));
        }

        return violations;
    }

    private static List<string> Warnings(MeasurementComparison? comparison, bool nothingCompared)
    {
        var warnings = new List<string>();
        foreach (var warning in comparison?.Warnings ?? [])
        {
            warnings.Add(warning.ToString());
        }

        if (nothingCompared)
        {
            warnings.Add(MeasurementRequirement.NothingComparedWarning);
        }

        return warnings;
    }
}
