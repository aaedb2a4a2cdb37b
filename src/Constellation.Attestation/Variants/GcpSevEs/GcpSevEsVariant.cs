using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Variants.GcpSevEs;

/// <summary>Factory for the <c>gcp-sev-es</c> validator.</summary>
public static class GcpSevEsVariant
{
    /// <summary>Creates a gcp-sev-es validator.</summary>
    /// <param name="client">The Compute API client (e.g. <see cref="GceShieldedIdentityClient"/>).</param>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(IGceShieldedIdentityClient client, MeasurementSet measurements) =>
        new(AttestationVariant.GcpSevEs, new GcpSevEsHooks(client), measurements);
}
