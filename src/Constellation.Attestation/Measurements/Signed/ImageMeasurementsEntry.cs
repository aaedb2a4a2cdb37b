using System;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>One entry of a signed measurements file: the measurements of the image on one CSP with one variant.</summary>
public sealed class ImageMeasurementsEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="csp">The provider.</param>
    /// <param name="variant">The attestation variant.</param>
    /// <param name="measurements">The measurements.</param>
    public ImageMeasurementsEntry(CloudProvider csp, AttestationVariant variant, MeasurementSet measurements)
    {
        Csp = csp;
        Variant = variant ?? throw new ArgumentNullException(nameof(variant));
        Measurements = measurements ?? throw new ArgumentNullException(nameof(measurements));
    }

    /// <summary>Gets the provider.</summary>
    public CloudProvider Csp { get; }

    /// <summary>Gets the attestation variant.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the measurements.</summary>
    public MeasurementSet Measurements { get; }
}
