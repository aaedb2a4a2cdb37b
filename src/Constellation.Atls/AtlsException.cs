using System;
using Constellation.Attestation;

namespace Constellation.Atls;

/// <summary>
/// The aTLS protocol itself failed: a peer sent no certificate, a nonce carrier (SNI or acceptable-CA list) was
/// malformed, the certificate carried an unhandled critical extension, or validation timed out.
/// </summary>
/// <remarks>
/// Failures of the embedded attestation document surface as the validator's own <see cref="AttestationException"/>
/// subclasses; a certificate key that does not match the document's user data surfaces as
/// <see cref="AttestationBindingException"/>; an expired certificate as <see cref="AttestationFreshnessException"/>.
/// </remarks>
public class AtlsException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AtlsException()
        : base("The attested TLS handshake failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AtlsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AtlsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
