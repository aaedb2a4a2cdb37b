using System;

namespace Constellation.Attestation.Tpm.Issuers.Transport;

/// <summary>The TPM could not be reached, or its response frame was malformed (device missing, socket closed, short read).</summary>
public class TpmTransportException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public TpmTransportException()
        : base("The TPM could not be reached.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public TpmTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public TpmTransportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
