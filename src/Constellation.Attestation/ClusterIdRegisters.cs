namespace Constellation.Attestation;

/// <summary>
/// The measurement indices a node extends its cluster ID into once, when it is initialised or joins (Constellation's
/// <c>measurements.PCRIndexClusterID</c> and <c>measurements.TDXIndexClusterID</c>). Which one a variant uses is
/// <see cref="Variants.AttestationVariantDefinition.ClusterIdRegister"/>; read it from there rather than naming an index.
/// </summary>
public static class ClusterIdRegisters
{
    /// <summary>PCR 15 of the (v)TPM, the cluster-ID register of every vTPM-based variant.</summary>
    public const uint VtpmPcr = 15;

    /// <summary>Index 3 of the qemu-tdx measurements, RTMR[2] (index 0 is MRTD, 1 to 4 are RTMR[0] to RTMR[3]).</summary>
    public const uint TdxRtmr2 = 3;
}
