using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>Factory for the <c>azure-trustedlaunch</c> validator.</summary>
public static class AzureTrustedLaunchVariant
{
    /// <summary>Creates an azure-trustedlaunch validator.</summary>
    /// <param name="trustedRoots">The pinned roots (Microsoft ameroot); none is built in.</param>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <param name="timeProvider">The clock for certificate validity.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(IReadOnlyList<X509Certificate2> trustedRoots, MeasurementSet measurements, TimeProvider? timeProvider = null) =>
        new(AttestationVariant.AzureTrustedLaunch, new AzureTrustedLaunchHooks(trustedRoots, timeProvider), measurements);
}
