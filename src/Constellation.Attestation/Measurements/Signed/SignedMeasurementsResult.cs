using System;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>Measurements that were fetched, verified and selected for a CSP and variant.</summary>
public sealed class SignedMeasurementsResult
{
    internal SignedMeasurementsResult(MeasurementSet measurements, ImageMeasurements file, Uri measurementsUri, string? keyFingerprint)
    {
        Measurements = measurements;
        File = file;
        MeasurementsUri = measurementsUri;
        KeyFingerprint = keyFingerprint;
    }

    /// <summary>Gets the selected measurements.</summary>
    public MeasurementSet Measurements { get; }

    /// <summary>Gets the whole parsed file.</summary>
    public ImageMeasurements File { get; }

    /// <summary>Gets where the file came from.</summary>
    public Uri MeasurementsUri { get; }

    /// <summary>Gets the fingerprint of the key that verified the signature, or <see langword="null"/> when the check was skipped.</summary>
    public string? KeyFingerprint { get; }

    /// <summary>Gets a value indicating whether the signature was verified.</summary>
    public bool SignatureVerified => KeyFingerprint is not null;
}
