using System;
using System.Collections.Generic;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>
/// A TDX quote with valid signatures and collateral violates the policy. Carries every violation plus the TCB evaluation,
/// so callers can still report the TCB status of a rejected quote.
/// </summary>
public sealed class TdxPolicyException : AttestationPolicyException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public TdxPolicyException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public TdxPolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public TdxPolicyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing all violations with the TCB evaluation behind them.</summary>
    /// <param name="violations">Every violation; not empty.</param>
    /// <param name="tcb">The TCB evaluation, or <see langword="null"/> when TCB status was not evaluated.</param>
    /// <param name="qeTcbLevel">The matched QE identity level, if any.</param>
    public TdxPolicyException(IEnumerable<PolicyViolation> violations, TdxTcbEvaluation? tcb, TdxModuleTcbLevel? qeTcbLevel)
        : base(violations)
    {
        Tcb = tcb;
        QeTcbLevel = qeTcbLevel;
    }

    /// <summary>Gets the TCB evaluation, or <see langword="null"/> when TCB status was not evaluated.</summary>
    public TdxTcbEvaluation? Tcb { get; }

    /// <summary>Gets the matched QE identity level, if any.</summary>
    public TdxModuleTcbLevel? QeTcbLevel { get; }
}
