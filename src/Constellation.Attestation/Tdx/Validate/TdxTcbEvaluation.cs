using System;
using System.Collections.Generic;

namespace Constellation.Attestation.Tdx;

/// <summary>The outcome of matching a quote and its PCK certificate against TCB info. Immutable.</summary>
public sealed class TdxTcbEvaluation
{
    internal TdxTcbEvaluation(TdxTcbLevel? platformLevel, TdxModuleIdentity? moduleIdentity, TdxModuleTcbLevel? moduleLevel,
        string? status, IReadOnlyList<string> advisoryIds, DateTimeOffset? outOfDateSince, string? noMatchReason)
    {
        PlatformLevel = platformLevel;
        ModuleIdentity = moduleIdentity;
        ModuleLevel = moduleLevel;
        Status = status;
        AdvisoryIds = advisoryIds;
        OutOfDateSince = outOfDateSince;
        NoMatchReason = noMatchReason;
    }

    /// <summary>Gets a value indicating whether a TCB level matched.</summary>
    public bool IsMatched => Status is not null;

    /// <summary>Gets the matched platform TCB level.</summary>
    public TdxTcbLevel? PlatformLevel { get; }

    /// <summary>Gets the TDX module identity used (when TEE_TCB_SVN[1] &gt; 0).</summary>
    public TdxModuleIdentity? ModuleIdentity { get; }

    /// <summary>Gets the matched module TCB level.</summary>
    public TdxModuleTcbLevel? ModuleLevel { get; }

    /// <summary>
    /// Gets the resulting TCB status: the module level's status when a module identity applies (as go-tdx-guest does),
    /// else the platform level's; <see langword="null"/> when nothing matched.
    /// </summary>
    public string? Status { get; }

    /// <summary>Gets the advisory IDs of the matched platform and module levels (deduplicated, in order).</summary>
    public IReadOnlyList<string> AdvisoryIds { get; }

    /// <summary>Gets the TCB date of the next newer level in the list that decided the status, i.e. when the matched level went out of date.</summary>
    public DateTimeOffset? OutOfDateSince { get; }

    /// <summary>Gets why no level matched, when <see cref="IsMatched"/> is false.</summary>
    public string? NoMatchReason { get; }
}
