using System;

namespace Constellation.Attestation.Policy;

/// <summary>The result of one reload attempt.</summary>
public sealed class PolicyReloadResult
{
    internal PolicyReloadResult(PolicyReloadOutcome outcome, ActivePolicy policy, Exception? error)
    {
        Outcome = outcome;
        Policy = policy;
        Error = error;
    }

    /// <summary>Gets what the reload did.</summary>
    public PolicyReloadOutcome Outcome { get; }

    /// <summary>Gets the policy in effect after the attempt (the previous one when it failed).</summary>
    public ActivePolicy Policy { get; }

    /// <summary>Gets why the reload failed, or <see langword="null"/>.</summary>
    public Exception? Error { get; }
}
