using System;
using Constellation.Attestation.Config;

namespace Constellation.Attestation.Policy;

/// <summary>
/// One complete policy in effect: the config and the validator built from it. Immutable; a validation uses
/// exactly one instance from start to end.
/// </summary>
public sealed class ActivePolicy
{
    internal ActivePolicy(AttestationConfig config, IAttestationValidator validator, long generation, DateTimeOffset loadedAt)
    {
        Config = config;
        Validator = validator;
        Generation = generation;
        LoadedAt = loadedAt;
    }

    /// <summary>Gets the config.</summary>
    public AttestationConfig Config { get; }

    /// <summary>Gets the validator built from <see cref="Config"/>.</summary>
    public IAttestationValidator Validator { get; }

    /// <summary>Gets the number of this policy: 1 for the first load, incremented by each applied reload.</summary>
    public long Generation { get; }

    /// <summary>Gets when this policy was applied.</summary>
    public DateTimeOffset LoadedAt { get; }
}
