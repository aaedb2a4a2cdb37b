using System;
using System.Collections.Generic;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.Snp;

/// <summary>Validators for aws-sev-snp, gcp-sev-snp and azure-sev-snp: the vTPM validator composed with the SNP hooks.</summary>
public static class SnpVariants
{
    /// <summary>Creates the aws-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateAwsValidator(SnpVariantOptions options, MeasurementSet measurements) =>
        new(AttestationVariant.AwsSevSnp, new AwsSevSnpHooks(options), measurements);

    /// <summary>Creates the gcp-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="identity">The GCE shielded identity lookup.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateGcpValidator(SnpVariantOptions options, IGceShieldedIdentitySource identity, MeasurementSet measurements) =>
        new(AttestationVariant.GcpSevSnp, new GcpSevSnpHooks(options, identity), measurements);

    /// <summary>Creates the azure-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="acceptedKeyDigests">The accepted ID key digests.</param>
    /// <param name="enforcement">The enforcement policy.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <param name="maa">The MAA token validator (for maaFallback).</param>
    /// <param name="maaUrl">The MAA URL.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateAzureValidator(SnpVariantOptions options, IEnumerable<ReadOnlyMemory<byte>> acceptedKeyDigests, AzureIdKeyEnforcement enforcement, MeasurementSet measurements, MaaTokenValidator? maa = null, Uri? maaUrl = null) =>
        new(AttestationVariant.AzureSevSnp, new AzureSevSnpHooks(options, acceptedKeyDigests, enforcement, maa, maaUrl), measurements);
}
