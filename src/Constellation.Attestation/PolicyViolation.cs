using System;

namespace Constellation.Attestation;

/// <summary>
/// One way in which verified evidence fails a validation policy.
/// </summary>
/// <param name="Field">The evidence field checked, e.g. <c>vmpl</c> or <c>tcb.snp</c>.</param>
/// <param name="Expected">What the policy requires, in words or lowercase hex.</param>
/// <param name="Actual">What the evidence says.</param>
public sealed record PolicyViolation(string Field, string Expected, string Actual)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: expected {Expected}, got {Actual}";

    /// <summary>Creates a violation, checking the arguments.</summary>
    /// <param name="field">The evidence field checked.</param>
    /// <param name="expected">What the policy requires.</param>
    /// <param name="actual">What the evidence says.</param>
    /// <returns>The violation.</returns>
    public static PolicyViolation Create(string field, string expected, string actual)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        return new PolicyViolation(field, expected ?? string.Empty, actual ?? string.Empty);
    }
}
