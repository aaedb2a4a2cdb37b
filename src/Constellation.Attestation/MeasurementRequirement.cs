namespace Constellation.Attestation;

/// <summary>The rule every validator applies to its measurements: at least one, unless the caller passed <see cref="MeasurementSet.EmptyAllowed"/>.</summary>
internal static class MeasurementRequirement
{
    /// <summary>The warning each result of a validator without measurements carries.</summary>
    public const string NothingComparedWarning =
        "measurements: none configured (MeasurementSet.EmptyAllowed): no measurement was compared, so the evidence of any image is accepted";

    /// <summary>Refuses an empty set that the caller did not ask for by name.</summary>
    /// <param name="variant">The variant of the validator being built.</param>
    /// <param name="measurements">Its measurements.</param>
    /// <exception cref="EmptyMeasurementsException">The set is empty and not <see cref="MeasurementSet.EmptyAllowed"/>.</exception>
    public static void ThrowIfEmpty(AttestationVariant variant, MeasurementSet measurements)
    {
        if (measurements.Count == 0 && !measurements.IsEmptyAllowed)
        {
            throw new EmptyMeasurementsException(variant, "measurements", $"{nameof(MeasurementSet)}.{nameof(MeasurementSet.EmptyAllowed)}");
        }
    }
}
