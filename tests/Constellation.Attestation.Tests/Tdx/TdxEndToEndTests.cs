using System.Buffers.Binary;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Pki;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>Full verification with a test-made Intel-shaped PKI, so every outcome (up to date, revoked, stale, policy) is reachable.</summary>
public sealed class TdxEndToEndTests : SyntheticTdxFixture
{
    private TdxQuoteValidationResult Verify(byte[] quote, TdxCollateral collateral, TdxValidationOptions? policy = null, TimeSpan collateralGrace = default) =>
        new TdxQuoteVerifier(new TdxVerificationOptions { TrustedRoots = [_pki.Root], VerificationTime = SyntheticTdx.At, CollateralGracePeriod = collateralGrace })
            .VerifyAndValidate(TdxQuote.Parse(quote), collateral, policy);

    [Test]
    public void An_up_to_date_quote_with_fresh_signed_collateral_and_CRLs_is_accepted()
    {
        var result = Verify(_pki.Quote(), _pki.Collateral());

        result.Verification.TcbEvaluated.Should().BeTrue();
        result.Verification.Tcb!.Status.Should().Be(TcbStatus.UpToDate);
        result.Verification.QeTcbLevel!.Status.Should().Be(TcbStatus.UpToDate);
        result.Verification.PckChain.RevocationChecked.Should().BeTrue();
        result.Warnings.Should().BeEmpty();
    }

    [Test]
    public void A_PCK_listed_in_a_PCK_CRL_signed_by_the_platform_CA_is_rejected_as_revoked()
    {
        var act = () => Verify(_pki.Quote(), _pki.Collateral(revokedPcks: [_pki.Pck]));

        act.Should().Throw<CertificateChainException>().WithMessage($"*Intel SGX PCK Certificate*(serial {_pki.Pck.SerialNumber}) is revoked*");
    }

    [Test]
    public void Collateral_past_its_next_update_is_rejected()
    {
        var collateral = _pki.Collateral(nextUpdate: SyntheticTdx.At.AddHours(-1));

        var act = () => Verify(_pki.Quote(), collateral);

        act.Should().Throw<AttestationFreshnessException>().WithMessage("TCB info is out of date*");
    }

    [Test]
    public void Collateral_past_its_next_update_is_accepted_with_a_warning_within_the_collateral_grace_period()
    {
        var collateral = _pki.Collateral(nextUpdate: SyntheticTdx.At.AddHours(-1));

        var result = Verify(_pki.Quote(), collateral, collateralGrace: TimeSpan.FromDays(1));

        result.Warnings.Should().Contain(w => w.StartsWith("TCB info is past its nextUpdate", StringComparison.Ordinal));
    }

    [Test]
    public void An_out_of_date_TCB_level_is_rejected_by_default()
    {
        var collateral = _pki.Collateral(levels: OutOfDateLevels(SyntheticTdx.At.AddDays(-10)));

        var act = () => Verify(_pki.Quote(), collateral);

        act.Should().Throw<AttestationPolicyException>().Which.Violations.Should().ContainSingle(v => v.Field == "tcbStatus" && v.Actual == "OutOfDate");
    }

    [Test]
    public void An_out_of_date_TCB_level_is_accepted_with_a_warning_inside_the_grace_period_and_rejected_after_it()
    {
        var collateral = _pki.Collateral(levels: OutOfDateLevels(SyntheticTdx.At.AddDays(-10)));

        var inside = Verify(_pki.Quote(), collateral, new TdxValidationOptions { OutOfDateGracePeriod = TimeSpan.FromDays(30) });
        inside.Verification.Tcb!.Status.Should().Be(TcbStatus.OutOfDate);
        inside.Warnings.Should().ContainSingle(w => w.Contains("grace period", StringComparison.Ordinal));

        var after = () => Verify(_pki.Quote(), collateral, new TdxValidationOptions { OutOfDateGracePeriod = TimeSpan.FromDays(5) });
        after.Should().Throw<AttestationPolicyException>().WithMessage("*grace period*elapsed*");
    }

    [Test]
    public void A_platform_status_Intel_does_not_define_is_refused_even_by_a_policy_that_lists_it()
    {
        // Intel QVL (Verifiers/TcbStatus.h stringToTcbStatus): a status outside VALID_TCB_INFO_STATUSES is STATUS_TCB_UNRECOGNIZED_STATUS.
        var collateral = _pki.Collateral(levels: [(3, 0, "TDRelaunchAdvised", SyntheticTdx.At.AddDays(-100), [])]);
        var policy = new TdxValidationOptions { AcceptedTcbStatuses = new HashSet<string> { TcbStatus.UpToDate, "TDRelaunchAdvised" } };

        var act = () => Verify(_pki.Quote(), collateral, policy);

        var rejected = act.Should().Throw<TdxPolicyException>().Which;
        rejected.Tcb!.IsMatched.Should().BeFalse();
        rejected.Violations.Should().ContainSingle(v => v.Field == "tcbStatus").Which.Actual.Should().Contain("not recognized").And.Contain("\"TDRelaunchAdvised\"");
    }

    [Test]
    public void A_denied_advisory_at_the_matched_level_is_a_violation()
    {
        var collateral = _pki.Collateral(levels: [(3, 0, "SWHardeningNeeded", SyntheticTdx.At.AddDays(-100), ["INTEL-SA-00837", "INTEL-SA-00615"])]);
        var policy = new TdxValidationOptions
        {
            AcceptedTcbStatuses = new HashSet<string> { TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded },
            DeniedAdvisoryIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "intel-sa-00837" },
        };

        var act = () => Verify(_pki.Quote(), collateral, policy);

        act.Should().Throw<AttestationPolicyException>().Which.Violations.Should().ContainSingle(v => v.Field == "advisoryIds" && v.Actual == "INTEL-SA-00837");
    }

    [Test]
    public void An_out_of_date_QE_identity_level_is_a_violation()
    {
        var act = () => Verify(_pki.Quote(), _pki.Collateral(qeStatus: "OutOfDate"));

        act.Should().Throw<AttestationPolicyException>().Which.Violations.Should().ContainSingle(v => v.Field == "qeIdentity.tcbStatus");
    }

    [Test]
    public void Every_violation_is_reported_at_once()
    {
        var mrTd = new byte[48];
        var quote = _pki.Quote(body => BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(0x78), 1), qeIsvSvn: 3);
        var policy = new TdxValidationOptions
        {
            MrTd = [mrTd],
            ReportData = new byte[64].Select(_ => (byte)1).ToArray(),
            Rtmrs = [new byte[48], null, null, new byte[48].Select(_ => (byte)7).ToArray()],
            MinimumTeeTcbSvn = new byte[] { 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
            QeVendorId = new byte[16],
        };

        var act = () => Verify(quote, _pki.Collateral(), policy);

        act.Should().Throw<AttestationPolicyException>().Which.Violations.Select(v => v.Field).Should().BeEquivalentTo(
            "qeIdentity.tcbStatus", "qeVendorId", "teeTcbSvn", "mrTd", "rtmr3", "reportData", "tdAttributes.debug");
    }

    [Test]
    public void A_quote_matching_every_configured_value_is_accepted()
    {
        byte[] mrTd = [];
        var quote = TdxQuote.Parse(_pki.Quote(body => mrTd = body.AsSpan(0x88, 48).ToArray()));
        var policy = new TdxValidationOptions
        {
            MrTd = [new byte[48], mrTd],
            ReportData = new byte[64],
            Rtmrs = [new byte[48], new byte[48], new byte[48], new byte[48]],
            MinimumTeeTcbSvn = new byte[] { 3, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
            QeVendorId = SyntheticTdx.IntelVendor,
            MrSeam = new byte[48],
            Xfam = quote.Body.XfamBytes.ToArray(),
            TdAttributes = quote.Body.TdAttributesBytes.ToArray(),
            MinimumQeSvn = 0,
            MinimumPceSvn = 0,
        };

        new TdxQuoteVerifier(_pki.Options).VerifyAndValidate(quote, _pki.Collateral(), policy).Verification.Tcb!.Status.Should().Be(TcbStatus.UpToDate);
    }

    [Test]
    public void A_TDX_module_version_without_an_identity_in_the_TCB_info_matches_no_level()
    {
        var quote = _pki.Quote(teeTcbSvn: [3, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        var act = () => Verify(quote, _pki.Collateral());

        act.Should().Throw<AttestationPolicyException>().WithMessage("*no TDX module identity TDX_01*");
    }

    [Test]
    public void A_quote_signed_by_a_different_attestation_key_than_the_QE_certified_is_rejected()
    {
        using var other = new SyntheticTdx();
        var ours = _pki.Quote();
        var theirs = other.Quote();

        // Keep our QE report/PCK section, take their header, body, signature and key.
        var spliced = theirs.AsSpan(0, 0x27C + 128).ToArray().Concat(ours.AsSpan(0x27C + 128).ToArray()).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(spliced.AsSpan(0x278), (uint)(spliced.Length - 0x27C));

        var act = () => Verify(spliced, _pki.Collateral());

        act.Should().Throw<AttestationBindingException>().Which.Field.Should().Be("QE report data");
    }

    [Test]
    public void A_warm_verifier_still_rejects_once_the_time_leaves_the_CRL_window_or_the_CRL_changes()
    {
        var clock = new RecordingTimeProvider(SyntheticTdx.At);
        var verifier = new TdxQuoteVerifier(new TdxVerificationOptions { TrustedRoots = [_pki.Root], TimeProvider = clock });
        var quote = TdxQuote.Parse(_pki.Quote());
        var collateral = _pki.Collateral();
        verifier.VerifyAndValidate(quote, collateral);
        clock.SetNow(SyntheticTdx.At.AddDays(1));
        verifier.VerifyAndValidate(quote, collateral);

        clock.SetNow(TestPki.Start.AddDays(31));
        var late = () => verifier.VerifyAndValidate(quote, collateral);
        late.Should().Throw<AttestationFreshnessException>();

        clock.SetNow(SyntheticTdx.At);
        var revoked = () => verifier.VerifyAndValidate(quote, _pki.Collateral(revokedPcks: [_pki.Pck]));
        revoked.Should().Throw<CertificateChainException>().WithMessage("*revoked*");
    }

    private static (byte, byte, string, DateTimeOffset, string[])[] OutOfDateLevels(DateTimeOffset newerLevelDate) =>
    [
        (4, 0, "UpToDate", newerLevelDate, []),
        (3, 0, "OutOfDate", newerLevelDate.AddDays(-200), ["INTEL-SA-00001"]),
    ];
}
