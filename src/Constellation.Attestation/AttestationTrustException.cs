using System;

namespace Constellation.Attestation;

/// <summary>
/// The key that signed the evidence is not one the validator trusts (for example an attestation key that does not match the trusted key for the variant).
/// </summary>
public class AttestationTrustException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationTrustException()
        : base("The signing key is not trusted.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationTrustException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationTrustException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
