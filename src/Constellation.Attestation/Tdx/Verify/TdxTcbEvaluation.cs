using System;
using System.Collections.Generic;
using Constellation.Attestation.Tdx.Collateral;

namespace Constellation.Attestation.Tdx.Verify;

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

    /// <summary>
    /// Gets a value indicating whether a TCB level (and, when one applies, a TDX module level) matched with statuses Intel
    /// defines; when false, <see cref="NoMatchReason"/> says why and no policy can accept the quote.
    /// </summary>
    public bool IsMatched => Status is not null;

    /// <summary>Gets the matched platform TCB level (also when the module identity then failed to match).</summary>
    public TdxTcbLevel? PlatformLevel { get; }

    /// <summary>Gets the TDX module identity selected by TEE_TCB_SVN[1] when it is &gt; 0 (also when none of its levels matched).</summary>
    public TdxModuleIdentity? ModuleIdentity { get; }

    /// <summary>Gets the matched module TCB level.</summary>
    public TdxModuleTcbLevel? ModuleLevel { get; }

    /// <summary>
    /// Gets the resulting TCB status: the platform level's status, combined with the module level's status when a module
    /// identity applies, by Intel's rule (module <see cref="TcbStatus.OutOfDate"/> turns an up-to-date platform out of date and
    /// a configuration-needed one <see cref="TcbStatus.OutOfDateConfigurationNeeded"/>; module <see cref="TcbStatus.Revoked"/>
    /// revokes; a revoked or out-of-date platform stays so). <see langword="null"/> when <see cref="IsMatched"/> is false.
    /// The two inputs are <see cref="PlatformLevel"/> and <see cref="ModuleLevel"/>.
    /// </summary>
    public string? Status { get; }

    /// <summary>Gets the advisory IDs of the matched platform and module levels (deduplicated, in order).</summary>
    public IReadOnlyList<string> AdvisoryIds { get; }

    /// <summary>
    /// Gets, when <see cref="Status"/> is out of date, since when: the TCB date of the next newer level above the matched one
    /// in each list whose level is out of date, the earlier of the two when both are. <see langword="null"/> when the status is
    /// not out of date or an out-of-date level has no newer level listed.
    /// </summary>
    public DateTimeOffset? OutOfDateSince { get; }

    /// <summary>Gets why no level matched, when <see cref="IsMatched"/> is false.</summary>
    public string? NoMatchReason { get; }
}
