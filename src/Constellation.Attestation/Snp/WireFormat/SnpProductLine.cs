namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>An AMD EPYC product line that supports SEV-SNP. It selects the ARK, the KDS paths and the TCB layout.</summary>
public enum SnpProductLine
{
    /// <summary>EPYC 7003 (family 19h, model 01h).</summary>
    Milan = 1,

    /// <summary>EPYC 9004 (family 19h, model 11h).</summary>
    Genoa = 2,

    /// <summary>EPYC 9005 (family 1Ah, model 02h). Uses a different TCB layout (FMC SPL first).</summary>
    Turin = 3,
}
