using System;
using System.Collections.Generic;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary>The <c>azure-sev-snp</c> variant: the vTPM validator composed with the SNP and HCL hooks.</summary>
public static class AzureSevSnpVariant
{
    /// <summary>Creates the azure-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="acceptedKeyDigests">The accepted ID key digests.</param>
    /// <param name="enforcement">The enforcement policy.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <param name="maa">The MAA token validator (for maaFallback).</param>
    /// <param name="maaUrl">The MAA URL.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, IEnumerable<ReadOnlyMemory<byte>> acceptedKeyDigests, AzureIdKeyEnforcement enforcement, MeasurementSet measurements, MaaTokenValidator? maa = null, Uri? maaUrl = null) =>
        new(AttestationVariant.AzureSevSnp, new AzureSevSnpHooks(options, acceptedKeyDigests, enforcement, maa, maaUrl), measurements);
}
