using System;

namespace Constellation.Attestation;

/// <summary>
/// Evidence, a document or a configuration value could not be parsed: wrong length, bad magic, unknown version or algorithm, trailing bytes or malformed encoding.
/// </summary>
public class AttestationFormatException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationFormatException()
        : base("The attestation evidence is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
