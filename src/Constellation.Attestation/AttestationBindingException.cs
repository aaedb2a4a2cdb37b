using System;

namespace Constellation.Attestation;

/// <summary>
/// A value that binds evidence to this exchange (nonce, user data, report data, public-key hash)
/// differs from what the verifier expects, so the evidence may have been replayed or made for another key.
/// </summary>
public class AttestationBindingException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationBindingException()
        : base("The evidence is not bound to this exchange.")
    {
        Field = string.Empty;
        Expected = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationBindingException(string message)
        : base(message)
    {
        Field = string.Empty;
        Expected = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationBindingException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
        Expected = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Creates an exception naming the field and both values (lowercase hex for byte strings).</summary>
    /// <param name="field">The binding field, e.g. <c>nonce</c> or <c>REPORT_DATA</c>.</param>
    /// <param name="expected">The value the verifier computed.</param>
    /// <param name="actual">The value found in the evidence.</param>
    public AttestationBindingException(string field, string expected, string actual)
        : base($"invalid {field}: expected {expected}, got {actual}")
    {
        Field = field;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Gets the name of the binding field that did not match.</summary>
    public string Field { get; }

    /// <summary>Gets the expected value.</summary>
    public string Expected { get; }

    /// <summary>Gets the value found in the evidence.</summary>
    public string Actual { get; }
}
