using System;

namespace Constellation.Attestation;

/// <summary>
/// A signature over evidence or collateral did not verify with the key that must have produced it.
/// </summary>
public class AttestationSignatureException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationSignatureException()
        : base("A signature did not verify.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationSignatureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationSignatureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
