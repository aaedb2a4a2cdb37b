using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.AwsSevSnp;

/// <summary>The <c>aws-sev-snp</c> variant: the vTPM validator composed with the SNP hooks.</summary>
public static class AwsSevSnpVariant
{
    /// <summary>Creates the aws-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, MeasurementSet measurements) =>
        new(AttestationVariant.AwsSevSnp, new AwsSevSnpHooks(options), measurements);
}
