using System;
using System.Collections.Generic;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>
/// Applies a <see cref="TdxValidationOptions"/> policy to the facts of a verified quote and reports <em>every</em> violation:
/// collateral that does not describe the quote (always), the TCB status, advisories and QE identity level, then the
/// quote's fields.
/// </summary>
/// <remarks>Stateless and thread-safe. Never re-verifies a signature: it trusts <see cref="TdxQuoteVerifier"/> for that.</remarks>
public static class TdxQuoteValidator
{
    /// <summary>Lists every way the verified quote violates <paramref name="options"/>.</summary>
    /// <param name="verification">The verification result.</param>
    /// <param name="options">The policy.</param>
    /// <returns>The violations and warnings; call <see cref="TdxQuoteValidationResult.ThrowIfInvalid"/> to throw on any violation.</returns>
    /// <exception cref="ArgumentException">An expected value in <paramref name="options"/> has the wrong length, or
    /// <see cref="TdxValidationOptions.Rtmrs"/> holds neither 0 nor 4 entries.</exception>
    public static TdxQuoteValidationResult Validate(TdxQuoteVerificationResult verification, TdxValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(options);
        var violations = new List<PolicyViolation>();
        var warnings = new List<string>(verification.Warnings);

        // Collateral that does not describe this quote is refused whatever the policy says.
        violations.AddRange(verification.TcbInfoMismatches);
        if (verification.Tcb is { } tcb)
        {
            TdxTcbStatusChecks.CheckTcb(tcb, options, verification.VerificationTime, violations, warnings);
        }
        else if (options.RequireTcbEvaluation)
        {
            // Verification and policy are separate objects: a signatures-only verification must not pass for a TCB check.
            violations.Add(new("tcbStatus", "evaluated against verified TCB info and QE identity", "not evaluated (signatures-only verification)"));
        }

        violations.AddRange(verification.QeIdentityMismatches);
        if (verification.QeIdentity is not null)
        {
            TdxTcbStatusChecks.CheckQeLevel(verification.Quote.QeReport, verification.QeTcbLevel, options, violations);
        }

        TdxQuoteFieldChecks.CheckQuote(verification.Quote, options, violations);
        return new TdxQuoteValidationResult(verification, violations, warnings);
    }
}
