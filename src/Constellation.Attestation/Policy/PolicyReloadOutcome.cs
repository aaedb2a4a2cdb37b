namespace Constellation.Attestation.Policy;

/// <summary>What a reload did.</summary>
public enum PolicyReloadOutcome
{
    /// <summary>A new policy was read and is now in effect.</summary>
    Applied = 0,

    /// <summary>The source holds the policy already in effect; nothing changed.</summary>
    Unchanged = 1,

    /// <summary>The source could not be read, parsed or built; the previous policy stays in effect.</summary>
    Failed = 2,
}
