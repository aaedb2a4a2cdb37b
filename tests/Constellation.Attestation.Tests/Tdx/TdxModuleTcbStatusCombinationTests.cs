using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// Every platform TCB status × TDX module TCB status, evaluated on the real TDX 1.5 quote (TEE_TCB_SVN[1] = 1, so the
/// TDX_01 module identity applies) against its real TCB info with the two matched levels' statuses edited.
/// </summary>
/// <remarks>
/// Each expected value is written from Intel's rule, not computed: SGX-TDX-DCAP-QuoteVerificationLibrary
/// (github.com/intel/SGX-TDX-DCAP-QuoteVerificationLibrary), Src/AttestationLibrary/src/Verifiers/Checks/TdxModuleCheck.cpp
/// <c>convergeTcbStatusWithTdxModuleStatus</c> at commit 0e3dfb18657fc422a02646ea0fd58b28d6c49198, called from
/// <c>checkTcbLevel</c> (Checks/TcbLevelCheck.cpp at 139705aee31ca3f1141d303f5ae06b33ea27d0b9, step 4.1.2.4.17.4 of Intel's
/// quote verification procedure), with the status sets of Verifiers/TcbStatus.h at the same commit:
/// <list type="bullet">
/// <item>module <c>OutOfDate</c>: platform UpToDate / SWHardeningNeeded → OutOfDate; ConfigurationNeeded /
/// ConfigurationAndSWHardeningNeeded → OutOfDateConfigurationNeeded; OutOfDate, OutOfDateConfigurationNeeded and Revoked stay;</item>
/// <item>module <c>Revoked</c> → Revoked;</item>
/// <item>module <c>UpToDate</c> → the platform status;</item>
/// <item>a module level status outside VALID_MODULE_TCB_STATUSES (UpToDate, OutOfDate, Revoked), or a platform status outside
/// VALID_TCB_INFO_STATUSES, is STATUS_TCB_UNRECOGNIZED_STATUS: a rejection no policy can accept.</item>
/// </list>
/// go-tdx-guest (verify/verify.go <c>readTcbInfoTcbStatus</c> at 91f9a52f36c7a6ce140d5f13a2fb4ca03b61349c) returns the module
/// level alone, dropping the platform status; that is the hole these rows close.
/// </remarks>
public sealed class TdxModuleTcbStatusCombinationTests
{
    private const string Unrecognized = "(unrecognized: rejected)";
    private const string NotAStatus = "SomethingIntelNeverPublished";

    private static readonly (string Platform, string Module, string Expected)[] ValidModuleStatusRule =
    [
        // Module UpToDate: the platform status stands.
        (TcbStatus.UpToDate, TcbStatus.UpToDate, TcbStatus.UpToDate),
        (TcbStatus.SWHardeningNeeded, TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded),
        (TcbStatus.ConfigurationNeeded, TcbStatus.UpToDate, TcbStatus.ConfigurationNeeded),
        (TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.UpToDate, TcbStatus.ConfigurationAndSWHardeningNeeded),
        (TcbStatus.OutOfDate, TcbStatus.UpToDate, TcbStatus.OutOfDate),
        (TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.UpToDate, TcbStatus.OutOfDateConfigurationNeeded),
        (TcbStatus.Revoked, TcbStatus.UpToDate, TcbStatus.Revoked),
        (NotAStatus, TcbStatus.UpToDate, Unrecognized),

        // Module OutOfDate: pulls an up-to-date platform down, keeps the configuration part, never lifts a worse platform.
        (TcbStatus.UpToDate, TcbStatus.OutOfDate, TcbStatus.OutOfDate),
        (TcbStatus.SWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDate),
        (TcbStatus.ConfigurationNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded),
        (TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded),
        (TcbStatus.OutOfDate, TcbStatus.OutOfDate, TcbStatus.OutOfDate),
        (TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded),
        (TcbStatus.Revoked, TcbStatus.OutOfDate, TcbStatus.Revoked),
        (NotAStatus, TcbStatus.OutOfDate, Unrecognized),

        // Module Revoked: revoked whatever the platform says.
        (TcbStatus.UpToDate, TcbStatus.Revoked, TcbStatus.Revoked),
        (TcbStatus.SWHardeningNeeded, TcbStatus.Revoked, TcbStatus.Revoked),
        (TcbStatus.ConfigurationNeeded, TcbStatus.Revoked, TcbStatus.Revoked),
        (TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.Revoked, TcbStatus.Revoked),
        (TcbStatus.OutOfDate, TcbStatus.Revoked, TcbStatus.Revoked),
        (TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.Revoked, TcbStatus.Revoked),
        (TcbStatus.Revoked, TcbStatus.Revoked, TcbStatus.Revoked),
        (NotAStatus, TcbStatus.Revoked, Unrecognized),
    ];

    private static readonly string[] Statuses =
    [
        TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded, TcbStatus.ConfigurationNeeded, TcbStatus.ConfigurationAndSWHardeningNeeded,
        TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.Revoked, NotAStatus,
    ];

    // A module level may only say UpToDate, OutOfDate or Revoked (VALID_MODULE_TCB_STATUSES); any other module status is
    // unrecognized whatever the platform says: 5 module statuses x 8 platform statuses.
    private static readonly string[] NotModuleStatuses =
        [TcbStatus.SWHardeningNeeded, TcbStatus.ConfigurationNeeded, TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDateConfigurationNeeded, NotAStatus];

    private static readonly (string Platform, string Module, string Expected)[] IntelRule =
        [.. ValidModuleStatusRule, .. NotModuleStatuses.SelectMany(m => Statuses.Select(p => (p, m, Unrecognized)))];

    private static IEnumerable<TestCaseData> Rows() =>
        IntelRule.Select(r => new TestCaseData(r.Platform, r.Module, r.Expected).SetName($"Platform {r.Platform} with module {r.Module} is {r.Expected}"));

    [Test]
    public void The_table_covers_every_pair_of_known_statuses_exactly_once()
    {
        var pairs = IntelRule.Select(r => (r.Platform, r.Module)).ToArray();

        pairs.Should().OnlyHaveUniqueItems();
        pairs.Should().BeEquivalentTo(Statuses.SelectMany(p => Statuses.Select(m => (p, m))));
    }

    [TestCaseSource(nameof(Rows))]
    public void The_combined_status_follows_Intels_rule(string platform, string module, string expected)
    {
        var result = Evaluate(platform, module);

        result.PlatformLevel!.Status.Should().Be(platform);
        result.ModuleLevel!.Status.Should().Be(module);
        if (expected == Unrecognized)
        {
            result.IsMatched.Should().BeFalse();
            result.Status.Should().BeNull();
            result.NoMatchReason.Should().Contain("not recognized").And.Contain(module == NotAStatus || platform == NotAStatus ? NotAStatus : module);
        }
        else
        {
            result.IsMatched.Should().BeTrue();
            result.Status.Should().Be(expected);
            result.NoMatchReason.Should().BeNull();
        }
    }

    private static TdxTcbEvaluation Evaluate(string platform, string module)
    {
        var info = ResignedV5Collateral.TcbInfo();
        info["tcbLevels"]![0]!["tcbStatus"] = platform;
        ResignedV5Collateral.Tdx01(info)["tcbLevels"]![0]!["tcbStatus"] = module;
        var quote = ResignedV5Collateral.Quote;
        var pck = PckCertificateExtensions.Read(TdxQuoteVerifier.ReadPckChain(quote)[0]);

        return TdxTcbEvaluator.Evaluate(quote.Body, pck, ResignedV5Collateral.Unsigned(info));
    }
}
