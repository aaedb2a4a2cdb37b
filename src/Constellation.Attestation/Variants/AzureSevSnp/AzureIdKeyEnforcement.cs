namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary><c>firmwareSignerConfig.enforcementPolicy</c>: what to do when ID_KEY_DIGEST is not an accepted digest.</summary>
public enum AzureIdKeyEnforcement
{
    /// <summary>Reject.</summary>
    Equal = 0,

    /// <summary>Accept only if the MAA token validates (the default).</summary>
    MaaFallback = 1,

    /// <summary>Log a warning and accept.</summary>
    WarnOnly = 2,
}
