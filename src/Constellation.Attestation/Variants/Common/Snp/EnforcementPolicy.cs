namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>What azure-sev-snp does when the report's ID key digest is not one of the accepted digests.</summary>
public enum EnforcementPolicy
{
    /// <summary>Reject the report (<c>Equal</c>).</summary>
    Equal = 0,

    /// <summary>Fall back to validating the MAA token (<c>MAAFallback</c>, Constellation's default).</summary>
    MaaFallback = 1,

    /// <summary>Only log a warning (<c>WarnOnly</c>).</summary>
    WarnOnly = 2,
}
