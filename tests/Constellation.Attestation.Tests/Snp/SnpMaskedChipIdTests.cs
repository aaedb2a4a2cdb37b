using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>
/// An all-zero CHIP_ID (the host's MASK_CHIP_ID setting) removes the VCEK hwID binding, so a VCEK-signed report with
/// it is refused unless <see cref="SnpVerificationOptions.PermitMaskedChipId"/> is set; VLEK reports have no hwID
/// binding and are unaffected.
/// </summary>
public class SnpMaskedChipIdTests
{
    private static (SnpReport Report, SnpEvidenceCertificates Chain) MaskedEvidence(SnpTestPki pki)
    {
        var (report, signer) = pki.SignedReport(reportChipId: new byte[64]);
        return (SnpReport.Parse(report), new SnpEvidenceCertificates(signer, pki.Intermediate, SnpRevocationList.Parse(pki.CurrentCrl())));
    }

    [Test]
    public void A_VCEK_report_with_an_all_zero_CHIP_ID_is_refused_by_default()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = MaskedEvidence(pki);

        var result = pki.Verifier().Verify(report, chain);

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<CertificateChainException>()
            .Which.Message.Should().Contain("CHIP_ID is masked").And.Contain("hwID").And.Contain("PermitMaskedChipId");
    }

    [Test]
    public void A_VCEK_report_with_an_all_zero_CHIP_ID_is_accepted_with_the_explicit_opt_in()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = MaskedEvidence(pki);

        var result = pki.Verifier(permitMaskedChipId: true).Verify(report, chain);

        result.Failures.Should().BeEmpty();
    }

    [Test]
    public void The_opt_in_does_not_excuse_a_VCEK_from_its_TCB_binding()
    {
        using var pki = SnpTestPki.Create();
        var (bytes, signer) = pki.SignedReport(editExtensions: e => e["3.3"] = SnpTestPki.DerInteger(7), reportChipId: new byte[64]);

        var result = pki.Verifier(permitMaskedChipId: true)
            .Verify(SnpReport.Parse(bytes), new SnpEvidenceCertificates(signer, pki.Intermediate, SnpRevocationList.Parse(pki.CurrentCrl())));

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("snpSPL does not match REPORTED_TCB");
    }

    [Test]
    public void A_VLEK_report_with_an_all_zero_CHIP_ID_is_accepted_by_default_because_a_VLEK_has_no_hwID()
    {
        using var pki = SnpTestPki.Create(kind: SnpEndorsementKind.Vlek);
        var (report, chain) = MaskedEvidence(pki);

        pki.Verifier().Verify(report, chain).Failures.Should().BeEmpty();
    }

    [Test]
    public void The_real_AWS_VLEK_report_with_its_zero_CHIP_ID_verifies_under_the_default_options()
    {
        var report = SnpReport.Parse(SnpVectors.AwsReportBytes);
        report.IsChipIdMasked.Should().BeTrue();

        SnpVectors.VerifierAt(SnpVectors.AwsValidAt).Verify(report, SnpVectors.AwsChain).Failures.Should().BeEmpty();
    }
}
