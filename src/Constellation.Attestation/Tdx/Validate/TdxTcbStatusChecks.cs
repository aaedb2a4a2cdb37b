using System;
using System.Collections.Generic;
using System.Linq;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Validate;

/// <summary>The TCB status policy: accepted statuses, the out-of-date grace period, denied advisories, the QE level. All violations collected.</summary>
internal static class TdxTcbStatusChecks
{
    public static void CheckTcb(TdxTcbEvaluation evaluation, TdxValidationOptions options, DateTimeOffset at, List<PolicyViolation> v, List<string> warnings)
    {
        if (!evaluation.IsMatched)
        {
            v.Add(new("tcbStatus", Accepted(options), evaluation.NoMatchReason!));
            return;
        }

        CheckStatus("tcbStatus", evaluation.Status!, Describe(evaluation), evaluation.OutOfDateSince, options, at, v, warnings);
        var denied = evaluation.AdvisoryIds.Where(options.DeniedAdvisoryIds.Contains).ToArray();
        if (denied.Length > 0)
        {
            v.Add(new("advisoryIds", "none of the denied advisories", string.Join(", ", denied)));
        }
    }

    public static void CheckQeLevel(SgxReportBody qe, TdxModuleTcbLevel? level, TdxValidationOptions options, List<PolicyViolation> v)
    {
        if (level is null)
        {
            v.Add(new("qeIdentity.tcbStatus", Accepted(options), $"no QE TCB level matches ISV SVN {qe.IsvSvn}"));
        }
        else if (!options.AcceptedTcbStatuses.Contains(level.Status))
        {
            v.Add(new("qeIdentity.tcbStatus", Accepted(options), $"{level.Status} (QE ISV SVN {qe.IsvSvn})"));
        }
    }

    // The combined status, with its two inputs when a TDX module identity took part.
    private static string Describe(TdxTcbEvaluation e) => e.ModuleLevel is { } m
        ? $"{e.Status} (platform {e.PlatformLevel!.Status}, TDX module {e.ModuleIdentity!.Id} {m.Status})"
        : e.Status!;

    private static void CheckStatus(string field, string status, string shown, DateTimeOffset? outOfDateSince, TdxValidationOptions options, DateTimeOffset at,
        List<PolicyViolation> v, List<string> warnings)
    {
        if (options.AcceptedTcbStatuses.Contains(status))
        {
            return;
        }

        if (TcbStatus.IsOutOfDate(status) && options.OutOfDateGracePeriod is { } grace && outOfDateSince is { } since)
        {
            if (at <= since + grace)
            {
                warnings.Add($"TCB status {shown}: out of date since {CertificateRevocationList.Format(since)}, accepted within the grace period of {grace}");
                return;
            }

            v.Add(new(field, Accepted(options), $"{shown}: out of date since {CertificateRevocationList.Format(since)}, grace period {grace} elapsed"));
            return;
        }

        v.Add(new(field, Accepted(options), shown));
    }

    private static string Accepted(TdxValidationOptions options) => "one of " + string.Join(", ", options.AcceptedTcbStatuses.Order(StringComparer.Ordinal));
}
