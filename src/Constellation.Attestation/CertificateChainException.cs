using System;

namespace Constellation.Attestation;

/// <summary>
/// A certificate chain did not lead to the pinned root, a certificate was revoked, or a certificate's contents contradict the evidence it vouches for.
/// </summary>
public class CertificateChainException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CertificateChainException()
        : base("The certificate chain is not trusted.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public CertificateChainException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public CertificateChainException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
