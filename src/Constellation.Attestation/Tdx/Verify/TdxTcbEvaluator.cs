using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Matches a quote against TCB info: the first level (in PCS order) whose SGX components and PCE SVN are at most the PCK
/// certificate's and whose TDX components are at most TEE_TCB_SVN; then, when TEE_TCB_SVN[1] &gt; 0, the TDX module identity
/// <c>TDX_xx</c> and its first level at most TEE_TCB_SVN[0]. The two statuses are combined as Intel's quote verification
/// library does, so a module can make the result worse but never hides a revoked or out-of-date platform. Stateless.
/// </summary>
public static class TdxTcbEvaluator
{
    /// <summary>Evaluates the TCB level.</summary>
    /// <param name="body">The quote body.</param>
    /// <param name="pck">The PCK certificate's SGX extension.</param>
    /// <param name="tcbInfo">Verified TCB info.</param>
    /// <returns>The evaluation; <see cref="TdxTcbEvaluation.IsMatched"/> is false when no level matches or a matched level's
    /// status is not one Intel defines.</returns>
    public static TdxTcbEvaluation Evaluate(TdxQuoteBody body, PckCertificateExtensions pck, TdxTcbInfo tcbInfo)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(pck);
        ArgumentNullException.ThrowIfNull(tcbInfo);
        var teeTcbSvn = body.TeeTcbSvn;
        var tdxStart = teeTcbSvn[1] > 0 ? 2 : 0;
        int index = -1;
        for (var i = 0; i < tcbInfo.TcbLevels.Count; i++)
        {
            var level = tcbInfo.TcbLevels[i];
            if (AtLeast(pck.SgxTcbComponents, level.SgxTcbComponents, 0) && pck.PceSvn >= level.PceSvn
                && AtLeast(teeTcbSvn, level.TdxTcbComponents, tdxStart))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return NoMatch(null, null, null,
                "no matching TCB level found: PCK SGX components " + string.Join(",", pck.SgxTcbComponents.ToArray())
                + $" / PCESVN {pck.PceSvn} and TEE_TCB_SVN {Convert.ToHexStringLower(teeTcbSvn)} are below every level of TCB info for FMSPC {tcbInfo.Fmspc}");
        }

        var platform = tcbInfo.TcbLevels[index];
        var platformSince = index > 0 ? tcbInfo.TcbLevels[index - 1].TcbDate : (DateTimeOffset?)null;
        if (teeTcbSvn[1] == 0)
        {
            return TdxModuleStatusConvergence.IsPlatformStatus(platform.Status)
                ? new TdxTcbEvaluation(platform, null, null, platform.Status, platform.AdvisoryIds, TcbStatus.IsOutOfDate(platform.Status) ? platformSince : null, null)
                : NoMatch(platform, null, null, $"TCB status not recognized: the platform level of {Date(platform.TcbDate)} says \"{platform.Status}\"");
        }

        var id = "TDX_" + teeTcbSvn[1].ToString("x2", CultureInfo.InvariantCulture);
        var module = tcbInfo.ModuleIdentities.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
        if (module is null)
        {
            return NoMatch(platform, null, null, $"no TDX module identity {id} in TCB info (TEE_TCB_SVN[1] = {teeTcbSvn[1]})");
        }

        var moduleIndex = -1;
        for (var i = 0; i < module.TcbLevels.Count; i++)
        {
            if (module.TcbLevels[i].IsvSvn <= teeTcbSvn[0])
            {
                moduleIndex = i;
                break;
            }
        }

        if (moduleIndex < 0)
        {
            return NoMatch(platform, module, null, $"no matching TCB level found for TDX module identity {id}: module SVN {teeTcbSvn[0]} is below every level");
        }

        var moduleLevel = module.TcbLevels[moduleIndex];
        var moduleSince = moduleIndex > 0 ? module.TcbLevels[moduleIndex - 1].TcbDate : (DateTimeOffset?)null;
        var combined = TdxModuleStatusConvergence.Converge(platform.Status, moduleLevel.Status);
        if (combined is null)
        {
            return NoMatch(platform, module, moduleLevel, TdxModuleStatusConvergence.IsPlatformStatus(platform.Status)
                ? $"TCB status not recognized: TDX module identity {module.Id} level ISVSVN {moduleLevel.IsvSvn} says \"{moduleLevel.Status}\", and a module level may only say {TcbStatus.UpToDate}, {TcbStatus.OutOfDate} or {TcbStatus.Revoked}"
                : $"TCB status not recognized: the platform level of {Date(platform.TcbDate)} says \"{platform.Status}\"");
        }

        var advisories = platform.AdvisoryIds.Concat(moduleLevel.AdvisoryIds).Distinct(StringComparer.Ordinal).ToArray();
        var since = OutOfDateSince(combined, (platform.Status, platformSince), (moduleLevel.Status, moduleSince));
        return new TdxTcbEvaluation(platform, module, moduleLevel, combined, advisories, since, null);
    }

    // When an out-of-date result goes back to both levels, it has been out of date since the earlier of the two newer
    // levels appeared; a grace period must be measured from there. An out-of-date side with no newer level listed gives
    // no date to measure from, so none is returned (no grace).
    private static DateTimeOffset? OutOfDateSince(string combined, (string Status, DateTimeOffset? Since) platform, (string Status, DateTimeOffset? Since) module)
    {
        if (!TcbStatus.IsOutOfDate(combined))
        {
            return null;
        }

        DateTimeOffset? earliest = null;
        foreach (var (status, since) in new[] { platform, module })
        {
            if (!TcbStatus.IsOutOfDate(status))
            {
                continue;
            }

            if (since is not { } s)
            {
                return null;
            }

            earliest = earliest is { } e && e <= s ? e : s;
        }

        return earliest;
    }

    private static TdxTcbEvaluation NoMatch(TdxTcbLevel? platform, TdxModuleIdentity? module, TdxModuleTcbLevel? moduleLevel, string reason) =>
        new(platform, module, moduleLevel, null, Array.Empty<string>(), null, reason);

    private static string Date(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool AtLeast(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> minimum, int start)
    {
        for (var i = start; i < 16; i++)
        {
            if (actual[i] < minimum[i])
            {
                return false;
            }
        }

        return true;
    }
}
