namespace Constellation.Attestation;

/// <summary>
/// The kind of evidence an attestation variant produces and validates.
/// </summary>
public enum EvidenceFamily
{
    /// <summary>The test-only JSON document that binds user data and nonce without any hardware root.</summary>
    Dummy = 0,

    /// <summary>A vTPM quote whose attestation key is trusted by a cloud-specific rule (or not at all).</summary>
    Vtpm = 1,

    /// <summary>A vTPM quote whose attestation key is bound to an AMD SEV-SNP report.</summary>
    VtpmWithSnp = 2,

    /// <summary>A vTPM quote whose attestation key is bound to an Intel TDX quote.</summary>
    VtpmWithTdx = 3,

    /// <summary>A raw Intel TDX quote without a vTPM.</summary>
    Tdx = 4,
}
