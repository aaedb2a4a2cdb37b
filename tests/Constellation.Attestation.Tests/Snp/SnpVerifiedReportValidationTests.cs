using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>
/// The SNP layers compose as in every family: the validator takes the verifier's result, refuses one that did not
/// verify, and judges the verified report; the result names which chain verified and whether revocation was checked.
/// </summary>
public class SnpVerifiedReportValidationTests
{
    [Test]
    public void A_report_whose_signature_does_not_verify_is_refused_before_any_policy_is_applied()
    {
        var bytes = SnpVectors.AzureReportBytes;
        bytes[0x90] ^= 1; // MEASUREMENT: the signature no longer covers the report
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(bytes), SnpVectors.AzureChain);

        var act = () => SnpReportValidator.Validate(result, new SnpValidationOptions());

        act.Should().Throw<AttestationSignatureException>().WithMessage("*does not verify*");
    }

    [Test]
    public void A_report_refused_for_want_of_a_CRL_is_refused_by_the_validator_too()
    {
        var verifier = new SnpReportVerifier(new SnpVerificationOptions { VerificationTime = SnpVectors.AzureValidAt });
        var result = verifier.Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpVectors.AzureChain);

        var act = () => SnpReportValidator.Validate(result, new SnpValidationOptions());

        act.Should().Throw<CollateralUnavailableException>().WithMessage("*no AMD CRL*");
    }

    [Test]
    public void A_verified_report_is_judged_and_the_result_keeps_the_facts_it_was_judged_on()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpVectors.AzureChain);

        var validation = SnpReportValidator.Validate(result, new SnpValidationOptions { Vmpl = 1 });

        validation.Verification.Should().BeSameAs(result);
        validation.IsValid.Should().BeFalse();
        validation.Violations.Should().ContainSingle().Which.Should().Be(new PolicyViolation("vmpl", "1", "0"));
        FluentActions.Invoking(() => validation.ThrowIfInvalid()).Should().Throw<AttestationPolicyException>();
    }

    [Test]
    public void The_verification_result_names_the_intermediate_the_pinned_ARK_and_the_time_and_says_revocation_was_not_checked_when_opted_out()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpVectors.AzureChain);

        result.IsValid.Should().BeTrue();
        result.Intermediate!.RawData.Should().Equal(SnpVectors.MilanAsk.RawData);
        SnpTrustedRoots.Default.TryGetArk(SnpProductLine.Milan, out var ark).Should().BeTrue();
        result.Ark!.RawData.Should().Equal(ark!.RawData);
        result.VerificationTime.Should().Be(SnpVectors.AzureValidAt);
        result.RevocationChecked.Should().BeFalse();
    }

    [Test]
    public void A_report_verified_with_a_current_CRL_says_revocation_was_checked_and_one_without_says_not()
    {
        using var pki = SnpTestPki.Create();
        var (bytes, signer) = pki.SignedReport();
        var report = SnpReport.Parse(bytes);
        var chain = new SnpEvidenceCertificates(signer, pki.Intermediate);

        var withCrl = pki.Verifier().Verify(report, chain with { RevocationList = SnpRevocationList.Parse(pki.CurrentCrl()) });
        var optedOut = new SnpReportVerifier(new SnpVerificationOptions { TrustedRoots = pki.Roots, VerificationTime = SnpTestPki.At, CheckRevocation = false }).Verify(report, chain);

        withCrl.IsValid.Should().BeTrue();
        withCrl.RevocationChecked.Should().BeTrue();
        optedOut.IsValid.Should().BeTrue();
        optedOut.RevocationChecked.Should().BeFalse();
    }
}
