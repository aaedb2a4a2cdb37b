using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Constellation.Attestation.Tdx;

/// <summary>
/// Matches a quote against TCB info: the first level (in PCS order) whose SGX components and PCE SVN are at most the PCK
/// certificate's and whose TDX components are at most TEE_TCB_SVN, then the TDX module identity level. Stateless.
/// </summary>
public static class TdxTcbEvaluator
{
    /// <summary>Evaluates the TCB level.</summary>
    /// <param name="body">The quote body.</param>
    /// <param name="pck">The PCK certificate's SGX extension.</param>
    /// <param name="tcbInfo">Verified TCB info.</param>
    /// <returns>The evaluation; <see cref="TdxTcbEvaluation.IsMatched"/> is false when no level matches.</returns>
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
            return NoMatch(
                "no matching TCB level found: PCK SGX components " + string.Join(",", pck.SgxTcbComponents.ToArray())
                + $" / PCESVN {pck.PceSvn} and TEE_TCB_SVN {Hex.Lower(teeTcbSvn)} are below every level of TCB info for FMSPC {tcbInfo.Fmspc}");
        }

        var platform = tcbInfo.TcbLevels[index];
        var platformSince = index > 0 ? tcbInfo.TcbLevels[index - 1].TcbDate : (DateTimeOffset?)null;
        if (teeTcbSvn[1] == 0)
        {
            return new TdxTcbEvaluation(platform, null, null, platform.Status, platform.AdvisoryIds, platformSince, null);
        }

        var id = "TDX_" + teeTcbSvn[1].ToString("x2", CultureInfo.InvariantCulture);
        var module = tcbInfo.ModuleIdentities.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
        if (module is null)
        {
            return NoMatch($"no TDX module identity {id} in TCB info (TEE_TCB_SVN[1] = {teeTcbSvn[1]})");
        }

        for (var i = 0; i < module.TcbLevels.Count; i++)
        {
            var level = module.TcbLevels[i];
            if (level.IsvSvn <= teeTcbSvn[0])
            {
                var advisories = platform.AdvisoryIds.Concat(level.AdvisoryIds).Distinct(StringComparer.Ordinal).ToArray();
                var since = i > 0 ? module.TcbLevels[i - 1].TcbDate : (DateTimeOffset?)null;
                return new TdxTcbEvaluation(platform, module, level, level.Status, advisories, since, null);
            }
        }

        return NoMatch($"no matching TCB level found for TDX module identity {id}: module SVN {teeTcbSvn[0]} is below every level");
    }

    private static TdxTcbEvaluation NoMatch(string reason) => new(null, null, null, null, Array.Empty<string>(), null, reason);

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
