using System;

namespace Constellation.Attestation;

/// <summary>
/// The root of every error raised while parsing, verifying or validating attestation evidence.
/// </summary>
/// <remarks>
/// Catch this type to treat any attestation failure as "not trusted". The subclasses say which
/// layer failed (format, signature, certificate chain, binding, policy, freshness, collateral).
/// Messages name the field, the expected and the actual value; they never contain secrets.
/// </remarks>
public class AttestationException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationException()
        : base("Attestation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
