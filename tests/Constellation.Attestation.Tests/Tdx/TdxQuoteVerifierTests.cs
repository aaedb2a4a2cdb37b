using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Pki;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class TdxQuoteVerifierTests
{
    private static readonly TdxQuoteVerifier Intel = new();

    [Test]
    public void The_real_v4_quote_with_its_collateral_is_rejected_because_no_TCB_level_matches()
    {
        var act = () => Intel.Verify(RealTdx.V4, RealTdx.LoadCollateral(), TdxQuotePolicy.Default, RealTdx.V4Pinned);

        var violation = act.Should().Throw<AttestationPolicyException>().Which.Violations.Should().ContainSingle().Subject;
        violation.Field.Should().Be("tcbStatus");
        violation.Actual.Should().StartWith("no matching TCB level found");
    }

    [Test]
    public void The_real_v4_quote_is_valid_when_checking_signatures_and_chain_with_CRLs_only()
    {
        var result = Intel.Verify(RealTdx.V4, RealTdx.LoadCollateral(), TdxQuotePolicy.SignaturesOnly, RealTdx.V4Pinned);

        result.TcbEvaluated.Should().BeFalse();
        result.PckChain.RevocationChecked.Should().BeTrue();
        result.Pck.FmspcHex.Should().Be("50806f000000");
    }

    [Test]
    public void The_real_v5_quote_is_valid_when_checking_signatures_and_chain_only()
    {
        var result = Intel.Verify(RealTdx.V5, new TdxCollateral(), TdxQuotePolicy.SignaturesOnly, RealTdx.V5Pinned);

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

        var act = () => Intel.Verify(RealTdx.V5, collateral, new TdxQuotePolicy { RequireRevocationLists = false }, RealTdx.V5Pinned);

        act.Should().Throw<CollateralUnavailableException>().WithMessage("QE identity is missing");
    }

    [TestCase("v4")]
    [TestCase("v5")]
    public void Any_real_quote_is_rejected_in_2034_because_its_PCK_certificate_expired(string which)
    {
        var quote = which == "v4" ? RealTdx.V4 : RealTdx.V5;

        var act = () => Intel.Verify(quote, new TdxCollateral(), TdxQuotePolicy.SignaturesOnly, RealTdx.PckExpired);

        act.Should().Throw<AttestationFreshnessException>().WithMessage("*expired*");
    }

    [Test]
    public void The_real_v4_quote_is_rejected_when_a_missing_CRL_is_required()
    {
        var act = () => Intel.Verify(RealTdx.V4, new TdxCollateral(), new TdxQuotePolicy { RequireTcbEvaluation = false }, RealTdx.V4Pinned);

        act.Should().Throw<CollateralUnavailableException>().WithMessage("*PCK CRL*root CA CRL*");
    }

    [Test]
    public void A_quote_signed_under_another_root_is_rejected_by_a_verifier_pinned_to_Intel()
    {
        using var pki = new SyntheticTdx();

        var act = () => Intel.Verify(TdxQuote.Parse(pki.Quote()), new TdxCollateral(), TdxQuotePolicy.SignaturesOnly, SyntheticTdx.At);

        act.Should().Throw<CertificateChainException>().WithMessage("*not a pinned root*");
    }
}
