using System;

namespace Constellation.Attestation.Variants;

/// <summary>
/// A variant's validator or issuer cannot be built here: a service it needs is missing (<see cref="MissingService"/>), or
/// the library has none for the variant. Raised when the validator or issuer is built, never during validation.
/// </summary>
public class VariantUnavailableException : AttestationException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public VariantUnavailableException()
        : this("the attestation variant's validator or issuer cannot be built here")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public VariantUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VariantUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an operation a capability says is unavailable.</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="operation"><c>validation</c> or <c>issuing</c>.</param>
    /// <param name="capability">The capability, with the reason.</param>
    public VariantUnavailableException(AttestationVariant variant, string operation, VariantCapability capability)
        : base(capability?.Reason ?? $"{variant?.Name} {operation} is not available")
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(capability);
        Variant = variant;
        Operation = operation;
        MissingService = capability.MissingService;
    }

    /// <summary>Gets the variant, when known.</summary>
    public AttestationVariant? Variant { get; }

    /// <summary>Gets the operation (<c>validation</c> or <c>issuing</c>), when known.</summary>
    public string? Operation { get; }

    /// <summary>Gets the name of the missing service, or <see langword="null"/> when the reason is not a missing service.</summary>
    public string? MissingService { get; }
}
