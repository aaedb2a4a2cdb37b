namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>The key that signed a report (signer info bits 4:2).</summary>
public enum SnpSigningKey
{
    /// <summary>The chip- and TCB-specific VCEK; chains through an ASK.</summary>
    Vcek = 0,

    /// <summary>The cloud-provider-specific VLEK; chains through an ASVK.</summary>
    Vlek = 1,

    /// <summary>The report is not signed. Never acceptable.</summary>
    None = 7,
}
