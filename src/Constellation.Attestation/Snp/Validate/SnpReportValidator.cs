using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Validate;

/// <summary>
/// Applies an <see cref="SnpValidationOptions"/> policy to a verified report and reports <em>every</em> violation.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Never re-verifies a signature: it takes the <see cref="SnpReportVerificationResult"/> of
/// <see cref="SnpReportVerifier"/>, refuses one that did not verify, and judges its <see cref="SnpReportVerificationResult.Report"/>
/// (TCBs decoded in the verified product line's layout).
/// </remarks>
public static class SnpReportValidator
{
    /// <summary>Lists every way the verified report violates <paramref name="options"/>.</summary>
    /// <param name="verification">The verification result; it must be valid.</param>
    /// <param name="options">The policy.</param>
    /// <returns>The violations, in checklist order; call <see cref="SnpReportValidationResult.ThrowIfInvalid"/> to throw on any.</returns>
    /// <exception cref="AttestationException">The report did not verify: its first failure (policy is applied only to a verified report).</exception>
    public static SnpReportValidationResult Validate(SnpReportVerificationResult verification, SnpValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(options);
        verification.ThrowIfInvalid();
        var report = verification.Report;
        var v = new List<PolicyViolation>();

        if (options.MinimumGuestSvn is { } svn && report.GuestSvn < svn)
        {
            v.Add(new("guest_svn", $">= {svn}", Str(report.GuestSvn)));
        }

        CheckPolicy(report.Policy, options, v);

        if (options.Vmpl is { } vmpl && report.Vmpl != vmpl)
        {
            v.Add(new("vmpl", Str(vmpl), Str(report.Vmpl)));
        }

        Exact("report_data", options.ReportData, report.ReportData, v);
        Exact("host_data", options.HostData, report.HostData, v);
        Exact("family_id", options.FamilyId, report.FamilyId, v);
        Exact("image_id", options.ImageId, report.ImageId, v);
        Exact("report_id", options.ReportId, report.ReportId, v);
        Exact("report_id_ma", options.ReportIdMa, report.ReportIdMa, v);
        Exact("measurement", options.Measurement, report.Measurement, v);
        Exact("chip_id", options.ChipId, report.ChipId, v);

        CheckTcbs(report, options, v);
        CheckFirmware(report, options, v);
        CheckPlatformInfo(report.PlatformInfo.Raw, options, v);
        CheckKeys(report, options, v);

        if (options.MinimumLaunchMitigationVector is { } launchMit && (report.LaunchMitigationVector & launchMit) != launchMit)
        {
            v.Add(new("launch_mit_vector", $"contains 0x{launchMit:x}", $"0x{report.LaunchMitigationVector:x}"));
        }

        if (options.MinimumCurrentMitigationVector is { } currentMit && (report.CurrentMitigationVector & currentMit) != currentMit)
        {
            v.Add(new("current_mit_vector", $"contains 0x{currentMit:x}", $"0x{report.CurrentMitigationVector:x}"));
        }

        return new SnpReportValidationResult(verification, v);
    }

    private static void CheckPolicy(SnpGuestPolicy policy, SnpValidationOptions o, List<PolicyViolation> v)
    {
        if (o.MinimumPolicyAbi is { } abi && (policy.AbiMajor < abi.Major || (policy.AbiMajor == abi.Major && policy.AbiMinor < abi.Minor)))
        {
            v.Add(new("policy.abi", $">= {abi.Major}.{abi.Minor}", $"{policy.AbiMajor}.{policy.AbiMinor}"));
        }

        Forbidden("policy.debug", policy.DebugAllowed, o.PermitDebug, v);
        Forbidden("policy.smt", policy.SmtAllowed, o.PermitSmt, v);
        Forbidden("policy.migrate_ma", policy.MigrateMaAllowed, o.PermitMigrationAgent, v);
        Forbidden("policy.cxl_allow", policy.CxlAllowed, o.PermitCxl, v);
        Required("policy.single_socket", policy.SingleSocketRequired, o.RequireSingleSocket, v);
        Required("policy.mem_aes_256_xts", policy.MemAes256XtsRequired, o.RequireMemAes256Xts, v);
        Required("policy.rapl_dis", policy.RaplDisableRequired, o.RequireRaplDisabled, v);
        Required("policy.ciphertext_hiding", policy.CiphertextHidingRequired, o.RequireCiphertextHiding, v);
        Required("policy.page_swap_disable", policy.PageSwapDisabled, o.RequirePageSwapDisabled, v);
    }

    private static void CheckTcbs(SnpReport r, SnpValidationOptions o, List<PolicyViolation> v)
    {
        if (o.PermitProvisionalFirmware)
        {
            if (!r.CurrentTcb.IsAtLeast(r.CommittedTcb))
            {
                v.Add(new("committed_tcb", $"<= current_tcb {r.CurrentTcb}", r.CommittedTcb.ToString()));
            }
        }
        else if (r.CommittedTcb.Raw != r.CurrentTcb.Raw)
        {
            v.Add(new("committed_tcb", $"== current_tcb {r.CurrentTcb} (provisional firmware not permitted)", r.CommittedTcb.ToString()));
        }

        Minimum("launch_tcb", o.MinimumLaunchTcb, r.LaunchTcb, v);
        Minimum("reported_tcb", o.MinimumTcb, r.ReportedTcb, v);
    }

    private static void CheckFirmware(SnpReport r, SnpValidationOptions o, List<PolicyViolation> v)
    {
        if (o.MinimumBuild is { } build && r.CurrentBuild < build)
        {
            v.Add(new("current_build", $">= {build}", Str(r.CurrentBuild)));
        }

        var current = (r.CurrentMajor << 8) | r.CurrentMinor;
        if (o.MinimumFirmwareVersion is { } min && current < ((min.Major << 8) | min.Minor))
        {
            v.Add(new("current_version", $">= {min.Major}.{min.Minor}", $"{r.CurrentMajor}.{r.CurrentMinor}"));
        }

        var committed = (r.CommittedMajor << 8) | r.CommittedMinor;
        var versionOk = o.PermitProvisionalFirmware ? committed <= current : committed == current;
        var buildOk = o.PermitProvisionalFirmware ? (committed < current || r.CommittedBuild <= r.CurrentBuild) : r.CommittedBuild == r.CurrentBuild;
        if (!versionOk || !buildOk)
        {
            v.Add(new("committed_firmware", $"{(o.PermitProvisionalFirmware ? "<=" : "==")} current {r.CurrentMajor}.{r.CurrentMinor} build {r.CurrentBuild}", $"{r.CommittedMajor}.{r.CommittedMinor} build {r.CommittedBuild}"));
        }
    }

    private static void CheckPlatformInfo(ulong info, SnpValidationOptions o, List<PolicyViolation> v)
    {
        if (o.PermittedPlatformInfo is { } permitted && (info & ~(permitted | o.RequiredPlatformInfo)) != 0)
        {
            v.Add(new("platform_info", $"only bits 0x{permitted | o.RequiredPlatformInfo:x}", $"0x{info:x}"));
        }

        if ((info & o.RequiredPlatformInfo) != o.RequiredPlatformInfo)
        {
            v.Add(new("platform_info", $"bits 0x{o.RequiredPlatformInfo:x} set", $"0x{info:x}"));
        }
    }

    private static void CheckKeys(SnpReport r, SnpValidationOptions o, List<PolicyViolation> v)
    {
        var authorTrusted = r.AuthorKeyEnabled && Contains(o.TrustedAuthorKeyDigests, r.AuthorKeyDigest);
        if (o.RequireAuthorKey && !authorTrusted)
        {
            v.Add(new("author_key_digest", r.AuthorKeyEnabled ? "one of the trusted author key digests" : "AUTHOR_KEY_EN = 1", r.AuthorKeyEnabled ? Convert.ToHexStringLower(r.AuthorKeyDigest) : "AUTHOR_KEY_EN = 0"));
        }

        if ((o.RequireIdBlock || o.RequireAuthorKey) && !authorTrusted && !Contains(o.TrustedIdKeyDigests, r.IdKeyDigest))
        {
            v.Add(new("id_key_digest", "one of [" + string.Join(", ", o.TrustedIdKeyDigests.Select(d => Convert.ToHexStringLower(d.Span))) + "]", Convert.ToHexStringLower(r.IdKeyDigest)));
        }
    }

    private static bool Contains(IReadOnlyList<ReadOnlyMemory<byte>> set, ReadOnlySpan<byte> value)
    {
        foreach (var candidate in set)
        {
            if (candidate.Span.SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    private static void Minimum(string field, SnpTcbParts? minimum, SnpTcbVersion actual, List<PolicyViolation> v)
    {
        if (minimum is null)
        {
            return;
        }

        foreach (var (name, min, have) in minimum.Shortfalls(actual))
        {
            v.Add(new($"{field}.{name}", $">= {min}", Str(have)));
        }
    }

    private static void Forbidden(string field, bool set, bool permitted, List<PolicyViolation> v)
    {
        if (set && !permitted)
        {
            v.Add(new(field, "not allowed", "allowed"));
        }
    }

    private static void Required(string field, bool set, bool required, List<PolicyViolation> v)
    {
        if (required && !set)
        {
            v.Add(new(field, "required", "not required"));
        }
    }

    private static void Exact(string field, ReadOnlyMemory<byte>? expected, ReadOnlySpan<byte> actual, List<PolicyViolation> v)
    {
        if (expected is { } want && !want.Span.SequenceEqual(actual))
        {
            v.Add(new(field, Convert.ToHexStringLower(want.Span), Convert.ToHexStringLower(actual)));
        }
    }

    private static string Str(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
