using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Variants.AzureTdx;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.QemuTdx;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// <see cref="TdxQuoteVerifier.VerifyAsync"/> fetches what <see cref="TdxVerificationOptions"/> requires from its collateral
/// source: nothing in signatures-only mode, and a misconfigured verifier without a source fails loudly rather than
/// verifying less.
/// </summary>
public sealed class TdxCollateralSourceTests : SyntheticTdxFixture
{
    [Test]
    public async Task A_full_verification_fetches_the_collateral_for_the_quotes_platform_once_and_evaluates_it()
    {
        var source = new FixedTdxCollateral(_pki.Collateral());
        var verifier = new TdxQuoteVerifier(new TdxVerificationOptions { TrustedRoots = [_pki.Root], VerificationTime = SyntheticTdx.At, CollateralSource = source });

        var result = await verifier.VerifyAsync(Quote());

        source.Calls.Should().Be(1);
        result.TcbEvaluated.Should().BeTrue();
        result.PckChain.RevocationChecked.Should().BeTrue();
    }

    [Test]
    public async Task A_signatures_only_verification_fetches_nothing()
    {
        var source = new FixedTdxCollateral(_pki.Collateral());
        var verifier = new TdxQuoteVerifier(new TdxVerificationOptions
        {
            TrustedRoots = [_pki.Root], VerificationTime = SyntheticTdx.At, CollateralSource = source, RequireTcbEvaluation = false, RequireRevocationLists = false,
        });

        var result = await verifier.VerifyAsync(Quote());

        source.Calls.Should().Be(0);
        result.TcbEvaluated.Should().BeFalse();
        result.PckChain.RevocationChecked.Should().BeFalse();
    }

    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public async Task A_verifier_that_needs_collateral_but_has_no_source_refuses_to_verify(bool tcb, bool crls)
    {
        var verifier = new TdxQuoteVerifier(new TdxVerificationOptions
        {
            TrustedRoots = [_pki.Root], VerificationTime = SyntheticTdx.At, RequireTcbEvaluation = tcb, RequireRevocationLists = crls,
        });

        var act = () => verifier.VerifyAsync(Quote());

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*CollateralSource*");
    }

    [Test]
    public void The_variants_refuse_verification_options_that_need_collateral_but_have_no_source()
    {
        var options = new TdxVerificationOptions { TrustedRoots = [_pki.Root] };

        var qemu = () => new QemuTdxValidator(MeasurementSet.EmptyAllowed, options);
        var azure = () => new AzureTdxHooks(options, TdxValidationOptions.Default);

        qemu.Should().Throw<ArgumentException>().WithMessage("*no collateral source*");
        azure.Should().Throw<ArgumentException>().WithMessage("*no collateral source*");
    }

    [Test]
    public void A_verifier_without_trusted_roots_cannot_be_created()
    {
        var act = () => new TdxQuoteVerifier(new TdxVerificationOptions { TrustedRoots = [] });

        act.Should().Throw<ArgumentException>().WithMessage("*trusted root*");
    }

    private TdxQuote Quote() => TdxQuote.Parse(_pki.Quote());
}
