using System;
using System.Collections.Generic;
using System.Linq;

namespace Constellation.Attestation;

/// <summary>
/// Verified evidence violates the validation policy. Carries <em>every</em> violation found, not just the first.
/// </summary>
public class AttestationPolicyException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationPolicyException()
        : base("The evidence violates the validation policy.")
    {
        Violations = Array.Empty<PolicyViolation>();
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationPolicyException(string message)
        : base(message)
    {
        Violations = Array.Empty<PolicyViolation>();
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationPolicyException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Violations = Array.Empty<PolicyViolation>();
    }

    /// <summary>Creates an exception listing all violations.</summary>
    /// <param name="violations">Every violation found; must not be empty.</param>
    public AttestationPolicyException(IEnumerable<PolicyViolation> violations)
        : this(Materialize(violations))
    {
    }

    private AttestationPolicyException(PolicyViolation[] violations)
        : base(FormatMessage(violations))
    {
        Violations = violations;
    }

    /// <summary>Gets every violation found, in the order they were checked.</summary>
    public IReadOnlyList<PolicyViolation> Violations { get; }

    private static PolicyViolation[] Materialize(IEnumerable<PolicyViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var list = violations.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A policy exception needs at least one violation.", nameof(violations));
        }

        return list;
    }

    private static string FormatMessage(PolicyViolation[] violations) =>
        $"policy validation failed ({violations.Length} violation{(violations.Length == 1 ? string.Empty : "s")}): "
        + string.Join("; ", violations.Select(v => v.ToString()));
}
