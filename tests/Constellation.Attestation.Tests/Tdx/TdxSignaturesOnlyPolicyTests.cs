using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// Verification options and the policy are separate objects now, so they can be paired wrongly: a signatures-only
/// verification (no TCB info, no QE identity) must not satisfy a policy that judges the TCB status. Only the policy that
/// says so (<see cref="TdxValidationOptions.SignaturesOnly"/>, or <see cref="TdxValidationOptions.RequireTcbEvaluation"/>
/// false) accepts it.
/// </summary>
public sealed class TdxSignaturesOnlyPolicyTests : SyntheticTdxFixture
{
    [Test]
    public void A_signatures_only_verification_is_refused_by_the_default_policy()
    {
        var validation = TdxQuoteValidator.Validate(SignaturesOnly(), TdxValidationOptions.Default);

        validation.IsValid.Should().BeFalse();
        validation.Violations.Should().ContainSingle().Which.Should().Be(
            new PolicyViolation("tcbStatus", "evaluated against verified TCB info and QE identity", "not evaluated (signatures-only verification)"));
        var act = () => validation.ThrowIfInvalid();
        act.Should().Throw<TdxPolicyException>().Which.Tcb.Should().BeNull();
    }

    [Test]
    public void A_signatures_only_verification_is_refused_by_a_policy_that_accepts_every_TCB_status()
    {
        var policy = new TdxValidationOptions { AcceptedTcbStatuses = new HashSet<string> { "UpToDate", "OutOfDate", "Revoked" }, ForbidDebug = false };

        TdxQuoteValidator.Validate(SignaturesOnly(), policy).Violations.Should().ContainSingle(v => v.Field == "tcbStatus");
    }

    [Test]
    public void A_signatures_only_verification_passes_the_signatures_only_policy()
    {
        TdxQuoteValidator.Validate(SignaturesOnly(), TdxValidationOptions.SignaturesOnly).IsValid.Should().BeTrue();
        TdxValidationOptions.SignaturesOnly.RequireTcbEvaluation.Should().BeFalse();
        TdxValidationOptions.Default.RequireTcbEvaluation.Should().BeTrue();
    }

    [Test]
    public void A_full_verification_satisfies_the_TCB_evaluation_requirement()
    {
        var full = new TdxQuoteVerifier(_pki.Options).Verify(TdxQuote.Parse(_pki.Quote()), _pki.Collateral());

        TdxQuoteValidator.Validate(full, TdxValidationOptions.Default).IsValid.Should().BeTrue();
    }

    private TdxQuoteVerificationResult SignaturesOnly() =>
        new TdxQuoteVerifier(new TdxVerificationOptions { TrustedRoots = [_pki.Root], VerificationTime = SyntheticTdx.At, RequireTcbEvaluation = false, RequireRevocationLists = false })
            .Verify(TdxQuote.Parse(_pki.Quote()), _pki.Collateral());
}
