using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.Gcp;

/// <summary>Factory for the <c>gcp-sev-es</c> validator.</summary>
public static class GcpSevEs
{
    /// <summary>Creates a gcp-sev-es validator.</summary>
    /// <param name="client">The Compute API client (e.g. <see cref="GceShieldedIdentityClient"/>).</param>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(IGceShieldedIdentityClient client, MeasurementSet measurements) =>
        new(AttestationVariant.GcpSevEs, new GcpSevEsHooks(client), measurements);
}
