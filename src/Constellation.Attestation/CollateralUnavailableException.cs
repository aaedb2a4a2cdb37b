using System;

namespace Constellation.Attestation;

/// <summary>
/// Collateral needed for verification (certificates, CRLs, TCB info) could not be obtained from the network or the cache, or offline mode forbade fetching it.
/// </summary>
public class CollateralUnavailableException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CollateralUnavailableException()
        : base("Required collateral is unavailable.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public CollateralUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public CollateralUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
