using System;
using Amazon.EC2;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.AwsNitroTpm;

/// <summary>Factory for the <c>aws-nitro-tpm</c> validator.</summary>
public static class AwsNitroTpmVariant
{
    /// <summary>Creates an aws-nitro-tpm validator.</summary>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <param name="clientForRegion">Creates EC2 clients; <see langword="null"/> for SDK defaults.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(MeasurementSet measurements, Func<string, IAmazonEC2>? clientForRegion = null) =>
        new(AttestationVariant.AwsNitroTpm, new AwsNitroTpmHooks(clientForRegion), measurements);
}
