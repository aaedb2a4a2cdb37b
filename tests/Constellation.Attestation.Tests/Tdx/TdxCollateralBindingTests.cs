using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// Signed collateral only speaks for the quote it describes: TCB info for the PCK certificate's FMSPC and PCE-ID, QE
/// identity for the QE report's MISCSELECT, attributes, MRSIGNER and ISVPRODID. The verifier records every mismatch as a
/// fact next to the TCB evaluation; the validator refuses each one whatever the policy accepts.
/// </summary>
public sealed class TdxCollateralBindingTests : SyntheticTdxFixture
{
    private static readonly TdxValidationOptions Permissive = new()
    {
        AcceptedTcbStatuses = new HashSet<string>(StringComparer.Ordinal)
        {
            TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded, TcbStatus.ConfigurationNeeded, TcbStatus.ConfigurationAndSWHardeningNeeded,
            TcbStatus.OutOfDate, TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.Revoked,
        },
        OutOfDateGracePeriod = TimeSpan.FromDays(36500),
        ForbidDebug = false,
    };

    [TestCase("\"fmspc\":\"00906ed50000\"", "\"fmspc\":\"00906ed50001\"", "tcbInfo.fmspc")]
    [TestCase("\"pceId\":\"0000\"", "\"pceId\":\"0001\"", "tcbInfo.pceId")]
    public void TCB_info_for_another_platform_is_refused_under_the_most_permissive_policy(string from, string to, string field)
    {
        var verification = Verify(_pki.Collateral(editTcbInfo: json => Replace(json, from, to)));

        verification.Tcb!.IsMatched.Should().BeTrue("the levels match; only the platform is wrong");
        verification.TcbInfoMismatches.Should().ContainSingle().Which.Field.Should().Be(field);
        Rejection(verification).Violations.Should().ContainSingle().Which.Field.Should().Be(field);
    }

    [TestCase("\"mrsigner\":\"DC9E2A7C", "\"mrsigner\":\"DC9E2A7D", "qeIdentity.mrsigner")]
    [TestCase("\"isvprodid\":2", "\"isvprodid\":3", "qeIdentity.isvprodid")]
    [TestCase("\"miscselect\":\"00000000\"", "\"miscselect\":\"00000001\"", "qeIdentity.miscselect")]
    [TestCase("\"attributes\":\"11000000", "\"attributes\":\"13000000", "qeIdentity.attributes")]
    public void A_QE_identity_of_another_quoting_enclave_is_refused_under_the_most_permissive_policy(string from, string to, string field)
    {
        var verification = Verify(_pki.Collateral(editQeIdentity: json => Replace(json, from, to)));

        verification.QeTcbLevel!.Status.Should().Be(TcbStatus.UpToDate, "the level matches; only the enclave is wrong");
        verification.QeIdentityMismatches.Should().ContainSingle().Which.Field.Should().Be(field);
        Rejection(verification).Violations.Should().ContainSingle().Which.Field.Should().Be(field);
    }

    [Test]
    public void The_verifier_reports_mismatches_as_facts_and_leaves_the_decision_to_the_validator()
    {
        var collateral = _pki.Collateral(editTcbInfo: json => Replace(json, "\"pceId\":\"0000\"", "\"pceId\":\"0001\""));

        var verification = Verify(collateral);

        verification.TcbEvaluated.Should().BeTrue();
        verification.TcbInfo.Should().BeSameAs(collateral.TcbInfo);
        verification.QeIdentity.Should().BeSameAs(collateral.QeIdentity);
        verification.TcbInfoMismatches.Should().ContainSingle().Which.Should().Be(
            new PolicyViolation("tcbInfo.pceId", "0000 (from the PCK certificate)", "0001"));
        verification.QeIdentityMismatches.Should().BeEmpty();
    }

    [Test]
    public void Mismatches_and_policy_violations_are_listed_together_in_checklist_order()
    {
        var collateral = _pki.Collateral(
            editTcbInfo: json => Replace(json, "\"fmspc\":\"00906ed50000\"", "\"fmspc\":\"00906ed50001\""),
            editQeIdentity: json => Replace(json, "\"isvprodid\":2", "\"isvprodid\":3"));
        var policy = new TdxValidationOptions { MrTd = [new byte[48]] };

        var rejected = Rejection(Verify(collateral), policy);

        rejected.Violations.Select(v => v.Field).Should().Equal("tcbInfo.fmspc", "qeIdentity.isvprodid", "mrTd");
        rejected.Tcb!.Status.Should().Be(TcbStatus.UpToDate);
        rejected.QeTcbLevel!.Status.Should().Be(TcbStatus.UpToDate);
    }

    private static string Replace(string json, string from, string to)
    {
        json.Should().Contain(from, "the edit must hit the collateral");
        return json.Replace(from, to, StringComparison.Ordinal);
    }

    private TdxQuoteVerificationResult Verify(TdxCollateral collateral) =>
        new TdxQuoteVerifier(_pki.Options).Verify(TdxQuote.Parse(_pki.Quote()), collateral);

    private static TdxPolicyException Rejection(TdxQuoteVerificationResult verification, TdxValidationOptions? policy = null)
    {
        var act = () => TdxQuoteValidator.Validate(verification, policy ?? Permissive).ThrowIfInvalid();
        return act.Should().Throw<TdxPolicyException>().Which;
    }
}
