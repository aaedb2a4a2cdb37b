using System.Text.Json.Nodes;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// The platform TCB status and the TDX module status converge (Intel QVL <c>convergeTcbStatusWithTdxModuleStatus</c>, see
/// <see cref="TdxModuleTcbStatusCombinationTests"/>) through the real verifier: the real v5 quote, whose TEE_TCB_SVN[1] = 1
/// selects the TDX_01 module identity, against its real TCB info edited and re-signed by a test TCB signing key.
/// </summary>
public sealed class TdxModuleTcbStatusEndToEndTests : IDisposable
{
    private static readonly DateTimeOffset NewerPlatformLevel = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NewerModuleLevel = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Lenient = [TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded, TcbStatus.ConfigurationNeeded, TcbStatus.OutOfDate];

    private ResignedV5Collateral _v5 = null!;

    [SetUp]
    public void SetUp() => _v5 = new ResignedV5Collateral();

    [TearDown]
    public void TearDown() => _v5.Dispose();

    public void Dispose() => _v5?.Dispose();

    [Test]
    public void The_unedited_v5_TCB_info_resigned_by_the_trusted_test_key_is_accepted_as_UpToDate()
    {
        var result = _v5.Verify(ResignedV5Collateral.TcbInfo());

        result.Verification.Tcb!.Status.Should().Be(TcbStatus.UpToDate);
        result.Verification.Tcb.ModuleIdentity!.Id.Should().Be("TDX_01");
        result.Warnings.Should().BeEmpty();
    }

    [Test]
    public void A_revoked_platform_level_stays_revoked_under_an_up_to_date_TDX_module()
    {
        var info = ResignedV5Collateral.TcbInfo();
        info["tcbLevels"]![0]!["tcbStatus"] = TcbStatus.Revoked;

        var act = () => _v5.Verify(info, ResignedV5Collateral.Policy(TimeSpan.FromDays(3650), Lenient));

        var rejected = act.Should().Throw<TdxPolicyException>().Which;
        rejected.Tcb!.Status.Should().Be(TcbStatus.Revoked);
        rejected.Violations.Should().ContainSingle(v => v.Field == "tcbStatus").Which.Actual
            .Should().Be("Revoked (platform Revoked, TDX module TDX_01 UpToDate)");
    }

    [Test]
    public void An_out_of_date_platform_level_under_an_up_to_date_TDX_module_is_rejected_by_default()
    {
        var act = () => _v5.Verify(PlatformOutOfDateSince(NewerPlatformLevel));

        var rejected = act.Should().Throw<TdxPolicyException>().Which;
        rejected.Tcb!.Status.Should().Be(TcbStatus.OutOfDate);
        rejected.Tcb.OutOfDateSince.Should().Be(NewerPlatformLevel);
        rejected.Violations.Should().ContainSingle(v => v.Field == "tcbStatus").Which.Actual.Should().StartWith("OutOfDate (platform OutOfDate");
    }

    [Test]
    public void An_out_of_date_platform_level_under_an_up_to_date_TDX_module_gets_the_grace_period_from_the_newer_platform_level()
    {
        var info = PlatformOutOfDateSince(NewerPlatformLevel);

        var inside = _v5.Verify(info, ResignedV5Collateral.Policy(TimeSpan.FromDays(30)));
        var after = () => _v5.Verify(info, ResignedV5Collateral.Policy(TimeSpan.FromDays(7)));

        inside.Verification.Tcb!.Status.Should().Be(TcbStatus.OutOfDate);
        inside.Warnings.Should().ContainSingle(w => w.Contains("out of date since 2026-02-01", StringComparison.Ordinal));
        after.Should().Throw<TdxPolicyException>().WithMessage("*grace period*elapsed*");
    }

    [Test]
    public void An_out_of_date_TDX_module_under_an_up_to_date_platform_gets_the_grace_period_from_the_newer_module_level()
    {
        var info = ModuleOutOfDateSince(ResignedV5Collateral.TcbInfo(), NewerModuleLevel);

        var inside = _v5.Verify(info, ResignedV5Collateral.Policy(TimeSpan.FromDays(30)));
        var after = () => _v5.Verify(info, ResignedV5Collateral.Policy(TimeSpan.FromDays(3)));

        inside.Verification.Tcb!.Status.Should().Be(TcbStatus.OutOfDate);
        inside.Verification.Tcb.OutOfDateSince.Should().Be(NewerModuleLevel);
        inside.Warnings.Should().ContainSingle(w => w.Contains("out of date since 2026-02-10", StringComparison.Ordinal));
        after.Should().Throw<TdxPolicyException>().WithMessage("*grace period*elapsed*");
    }

    [Test]
    public void When_platform_and_module_are_both_out_of_date_the_grace_period_runs_from_the_earlier_newer_level()
    {
        // The module went out of date five days ago, the platform more than a year ago: 30 days of grace are long gone.
        var info = ModuleOutOfDateSince(PlatformOutOfDateSince(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)), NewerModuleLevel);

        var act = () => _v5.Verify(info, ResignedV5Collateral.Policy(TimeSpan.FromDays(30)));

        var rejected = act.Should().Throw<TdxPolicyException>().Which;
        rejected.Tcb!.OutOfDateSince.Should().Be(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        rejected.Violations.Should().ContainSingle(v => v.Field == "tcbStatus").Which.Actual.Should().Contain("grace period").And.Contain("elapsed");
    }

    [Test]
    public void A_configuration_needed_platform_under_an_out_of_date_TDX_module_is_out_of_date_configuration_needed()
    {
        var info = ModuleOutOfDateSince(ResignedV5Collateral.TcbInfo(), NewerModuleLevel);
        info["tcbLevels"]![0]!["tcbStatus"] = TcbStatus.ConfigurationNeeded;

        var act = () => _v5.Verify(info, ResignedV5Collateral.Policy(null, TcbStatus.UpToDate, TcbStatus.ConfigurationNeeded));

        act.Should().Throw<TdxPolicyException>().Which.Tcb!.Status.Should().Be(TcbStatus.OutOfDateConfigurationNeeded);
    }

    [Test]
    public void A_denied_advisory_of_the_platform_level_applies_although_the_module_identity_decided_the_level()
    {
        var info = ResignedV5Collateral.TcbInfo();
        info["tcbLevels"]![0]!["advisoryIDs"] = new JsonArray("INTEL-SA-00837");

        var act = () => _v5.Verify(info, new TdxValidationOptions
        {
            DeniedAdvisoryIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "INTEL-SA-00837" },
        });

        act.Should().Throw<TdxPolicyException>().Which.Violations.Should().ContainSingle(v => v.Field == "advisoryIds" && v.Actual == "INTEL-SA-00837");
    }

    // A newer, unmatched UpToDate platform level dated `since` above the matched one, which becomes OutOfDate.
    private static JsonObject PlatformOutOfDateSince(DateTimeOffset since)
    {
        var info = ResignedV5Collateral.TcbInfo();
        var levels = info["tcbLevels"]!.AsArray();
        var newer = levels[0]!.DeepClone().AsObject();
        newer["tcb"]!["sgxtcbcomponents"]![0]!["svn"] = 255;
        newer["tcbDate"] = Iso(since);
        levels[0]!["tcbStatus"] = TcbStatus.OutOfDate;
        levels.Insert(0, newer);
        return info;
    }

    // A newer, unmatched UpToDate TDX_01 level (ISVSVN above the quote's 11) dated `since`; the matched ISVSVN 6 level becomes OutOfDate.
    private static JsonObject ModuleOutOfDateSince(JsonObject info, DateTimeOffset since)
    {
        var levels = ResignedV5Collateral.Tdx01(info)["tcbLevels"]!.AsArray();
        var newer = levels[0]!.DeepClone().AsObject();
        newer["tcb"]!["isvsvn"] = 12;
        newer["tcbDate"] = Iso(since);
        levels[0]!["tcbStatus"] = TcbStatus.OutOfDate;
        levels.Insert(0, newer);
        return info;
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
