using System;

namespace Constellation.Attestation;

/// <summary>
/// Evidence or collateral is outside its validity window: an expired or not-yet-valid certificate, or collateral past its next update.
/// </summary>
public class AttestationFreshnessException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public AttestationFreshnessException()
        : base("The evidence or collateral is not fresh.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public AttestationFreshnessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public AttestationFreshnessException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
