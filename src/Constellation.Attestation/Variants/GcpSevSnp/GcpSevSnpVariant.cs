using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>The <c>gcp-sev-snp</c> variant: the vTPM validator composed with the SNP hooks.</summary>
public static class GcpSevSnpVariant
{
    /// <summary>Creates the gcp-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="identity">The GCE shielded identity lookup.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, IGceShieldedIdentitySource identity, MeasurementSet measurements) =>
        new(AttestationVariant.GcpSevSnp, new GcpSevSnpHooks(options, identity), measurements);
}
