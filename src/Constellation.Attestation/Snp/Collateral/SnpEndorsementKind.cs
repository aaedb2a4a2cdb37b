namespace Constellation.Attestation.Snp.Collateral;

/// <summary>What kind of key an AMD certificate holds.</summary>
public enum SnpEndorsementKind
{
    /// <summary>A VCEK (chip-specific; has a hwID extension; issued by an ASK).</summary>
    Vcek = 0,

    /// <summary>A VLEK (cloud-provider-specific; has a csp_id extension; issued by an ASVK).</summary>
    Vlek = 1,
}
