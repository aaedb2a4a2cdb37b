using System.Security.Cryptography;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

public class SnpRealVectorVerificationTests
{
    [Test]
    public void The_Azure_VCEK_report_is_valid_at_its_pinned_time()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpVectors.AzureChain);

        result.Failures.Should().BeEmpty();
        result.ProductLine.Should().Be(SnpProductLine.Milan);
        result.Endorsement!.Kind.Should().Be(SnpEndorsementKind.Vcek);
        result.Endorsement.ProductName.Should().Be("Milan-B0");
    }

    [Test]
    public void The_Azure_VCEK_report_is_rejected_in_2031_because_the_VCEK_expired()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureExpiredAt).Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpVectors.AzureChain);

        result.IsValid.Should().BeFalse();
        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationFreshnessException>()
            .Which.Message.Should().Contain("SEV-VCEK").And.Contain("2030-08-30T12:15:24Z").And.Contain("expired");
    }

    [Test]
    public void The_AWS_VLEK_report_is_valid_at_its_pinned_time()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt).Verify(SnpReport.Parse(SnpVectors.AwsReportBytes), SnpVectors.AwsChain);

        result.Failures.Should().BeEmpty();
        result.Endorsement!.Kind.Should().Be(SnpEndorsementKind.Vlek);
        result.Endorsement.CspId.Should().Be("CN=cc-eu-west-1.amazonaws.com");
    }

    [Test]
    public void The_AWS_VLEK_report_is_rejected_in_2026_because_the_VLEK_expired()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AwsExpiredAt).Verify(SnpReport.Parse(SnpVectors.AwsReportBytes), SnpVectors.AwsChain);

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationFreshnessException>()
            .Which.Message.Should().Contain("SEV-VLEK").And.Contain("2025-12-10T22:30:16Z");
        FluentActions.Invoking(() => result.ThrowIfInvalid()).Should().Throw<AttestationFreshnessException>();
    }

    [Test]
    public void The_Constellation_VLEK_report_is_rejected_because_its_signature_does_not_verify()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.ConstellationVlekValidAt)
            .Verify(SnpReport.Parse(SnpVectors.ConstellationVlekReportBytes), new SnpEvidenceCertificates(SnpVectors.ConstellationVlek, SnpVectors.MilanAsvk));

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationSignatureException>()
            .Which.Message.Should().Contain("does not verify with the VLEK");
    }

    [Test]
    public void The_Constellation_VLEK_report_does_not_verify_with_the_AWS_VLEK_either()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt)
            .Verify(SnpReport.Parse(SnpVectors.ConstellationVlekReportBytes), SnpVectors.AwsChain);

        result.IsValid.Should().BeFalse();
        result.Failures.Should().Contain(f => f is AttestationSignatureException);
    }

    [Test]
    public void The_built_in_Milan_ARK_is_the_one_the_manifest_pins()
    {
        SnpTrustedRoots.Default.TryGetArk(SnpProductLine.Milan, out var ark).Should().BeTrue();

        Convert.ToHexString(SHA256.HashData(ark.RawData)).Should().Be("69D063B45344D26A2E94E1F4210DE49EF555308287D4C174445C95639A540BCD");
        SnpTrustedRoots.Default.ProductLines.Should().BeEquivalentTo([SnpProductLine.Milan, SnpProductLine.Genoa, SnpProductLine.Turin]);
    }

    [Test]
    public void Verifying_twice_with_a_warm_chain_cache_gives_the_same_verdicts()
    {
        var verifier = SnpVectors.VerifierAt(SnpVectors.AzureValidAt);
        var report = SnpReport.Parse(SnpVectors.AzureReportBytes);

        verifier.Verify(report, SnpVectors.AzureChain).IsValid.Should().BeTrue();
        verifier.Verify(report, SnpVectors.AzureChain).IsValid.Should().BeTrue();
        verifier.Verify(SnpReport.Parse(SnpVectors.AwsReportBytes), SnpVectors.AzureChain).IsValid.Should().BeFalse();
    }
}
