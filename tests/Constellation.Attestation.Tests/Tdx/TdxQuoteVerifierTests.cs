using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Pki;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class TdxQuoteVerifierTests
{
    // The Intel SGX Root CA, judging at `at`: full verification, or signatures (and CRLs when given) only.
    private static TdxQuoteValidationResult Full(TdxQuote quote, TdxCollateral collateral, DateTimeOffset at) =>
        new TdxQuoteVerifier(TdxQuoteChecks.At(at)).VerifyAndValidate(quote, collateral);

    private static TdxQuoteValidationResult SignaturesOnly(TdxQuote quote, TdxCollateral collateral, DateTimeOffset at) =>
        new TdxQuoteVerifier(TdxQuoteChecks.At(at, signaturesOnly: true)).VerifyAndValidate(quote, collateral, TdxValidationOptions.SignaturesOnly);

    [Test]
    public void The_real_v4_quote_with_its_collateral_is_rejected_because_no_TCB_level_matches()
    {
        var act = () => Full(RealTdx.V4, RealTdx.LoadCollateral(), RealTdx.V4Pinned);

        var violation = act.Should().Throw<AttestationPolicyException>().Which.Violations.Should().ContainSingle().Subject;
        violation.Field.Should().Be("tcbStatus");
        violation.Actual.Should().StartWith("no matching TCB level found");
    }

    [Test]
    public void The_real_v4_quote_is_valid_when_checking_signatures_and_chain_with_CRLs_only()
    {
        var result = SignaturesOnly(RealTdx.V4, RealTdx.LoadCollateral(), RealTdx.V4Pinned).Verification;

        result.TcbEvaluated.Should().BeFalse();
        result.PckChain.RevocationChecked.Should().BeTrue();
        result.Pck.FmspcHex.Should().Be("50806f000000");
    }

    [Test]
    public void The_real_v5_quote_is_valid_when_checking_signatures_and_chain_only()
    {
        var result = SignaturesOnly(RealTdx.V5, new TdxCollateral(), RealTdx.V5Pinned).Verification;

        result.TcbEvaluated.Should().BeFalse();
        result.PckChain.RevocationChecked.Should().BeFalse();
    }

    [Test]
    public void The_real_v5_quote_reports_the_missing_QE_identity_for_a_full_verification()
    {
        var collateral = new TdxCollateral
        {
            TcbInfo = TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info-v5-sample.json")),
            TcbInfoIssuerChain = RealTdx.TcbChain,
        };

        var verifier = new TdxQuoteVerifier(new TdxVerificationOptions { RequireRevocationLists = false, VerificationTime = RealTdx.V5Pinned });
        var act = () => verifier.VerifyAndValidate(RealTdx.V5, collateral);

        act.Should().Throw<CollateralUnavailableException>().WithMessage("QE identity is missing");
    }

    [TestCase("v4")]
    [TestCase("v5")]
    public void Any_real_quote_is_rejected_in_2034_because_its_PCK_certificate_expired(string which)
    {
        var quote = which == "v4" ? RealTdx.V4 : RealTdx.V5;

        var act = () => SignaturesOnly(quote, new TdxCollateral(), RealTdx.PckExpired);

        act.Should().Throw<AttestationFreshnessException>().WithMessage("*expired*");
    }

    [Test]
    public void The_real_v4_quote_is_rejected_when_a_missing_CRL_is_required()
    {
        var verifier = new TdxQuoteVerifier(new TdxVerificationOptions { RequireTcbEvaluation = false, VerificationTime = RealTdx.V4Pinned });
        var act = () => verifier.VerifyAndValidate(RealTdx.V4, new TdxCollateral());

        act.Should().Throw<CollateralUnavailableException>().WithMessage("*PCK CRL*root CA CRL*");
    }

    [Test]
    public void A_quote_signed_under_another_root_is_rejected_by_a_verifier_pinned_to_Intel()
    {
        using var pki = new SyntheticTdx();

        var act = () => SignaturesOnly(TdxQuote.Parse(pki.Quote()), new TdxCollateral(), SyntheticTdx.At);

        act.Should().Throw<CertificateChainException>().WithMessage("*not a pinned root*");
    }
}
