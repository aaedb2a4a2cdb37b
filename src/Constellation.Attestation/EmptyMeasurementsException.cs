using System;

namespace Constellation.Attestation;

/// <summary>
/// A validator was to be built from no measurements. It would compare nothing and accept the evidence of any image, so
/// it is refused unless the caller asks for exactly that (<see cref="MeasurementSet.EmptyAllowed"/>, or
/// <c>AllowEmptyMeasurements</c> on the validator factory or the DI options).
/// </summary>
public class EmptyMeasurementsException : AttestationPolicyException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public EmptyMeasurementsException()
        : base("expected at least one measurement, got none")
    {
        Field = string.Empty;
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed and why.</param>
    public EmptyMeasurementsException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public EmptyMeasurementsException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>Creates an exception naming the variant and where the empty set came from.</summary>
    /// <param name="variant">The variant whose validator was to be built.</param>
    /// <param name="field">Where the measurements came from, e.g. <c>qemuVTPM.measurements</c> or <c>measurements</c> (a constructor argument).</param>
    /// <param name="optIn">The name of the option that allows an empty set on this path.</param>
    public EmptyMeasurementsException(AttestationVariant variant, string field, string optIn)
        : base($"{field}: expected at least one measurement for {variant?.Name}, got none: a validator without measurements compares nothing and accepts every {variant?.Name} image (if that is intended, opt in with {optIn})")
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentException.ThrowIfNullOrEmpty(field);
        Variant = variant;
        Field = field;
        OptIn = optIn;
    }

    /// <summary>Gets the variant whose validator was to be built, when known.</summary>
    public AttestationVariant? Variant { get; }

    /// <summary>Gets where the empty measurements came from (config field, policy source, or constructor argument).</summary>
    public string Field { get; }

    /// <summary>Gets the name of the option that allows an empty set on this path, when known.</summary>
    public string? OptIn { get; }
}
