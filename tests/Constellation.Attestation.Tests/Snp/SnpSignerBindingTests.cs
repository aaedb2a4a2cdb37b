using System.Buffers.Binary;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>The report's signing-key bits alone decide the acceptable chain (the "signer confusion" negatives).</summary>
public class SnpSignerBindingTests
{
    [Test]
    public void The_AWS_VLEK_report_with_the_ASK_chain_is_rejected_naming_the_mismatch()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt)
            .Verify(SnpReport.Parse(SnpVectors.AwsReportBytes), new SnpEvidenceCertificates(SnpVectors.AwsVlek, SnpVectors.MilanAsk));

        result.IsValid.Should().BeFalse();
        result.Failures[0].Should().BeOfType<CertificateChainException>()
            .Which.Message.Should().Contain("signer binding mismatch").And.Contain("VLEK").And.Contain("ASVK (SEV-VLEK-Milan)").And.Contain("ASK SEV-Milan");
    }

    [Test]
    public void A_VCEK_report_with_the_ASVK_chain_is_rejected_naming_the_mismatch()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt)
            .Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), new SnpEvidenceCertificates(SnpVectors.AzureVcek, SnpVectors.MilanAsvk));

        result.Failures[0].Should().BeOfType<CertificateChainException>()
            .Which.Message.Should().Contain("signer binding mismatch").And.Contain("VCEK").And.Contain("ASK (SEV-Milan)").And.Contain("ASVK SEV-VLEK-Milan");
    }

    [Test]
    public void A_VCEK_report_presented_with_a_VLEK_and_its_ASVK_is_rejected()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt)
            .Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpVectors.AwsChain);

        result.Failures[0].Message.Should().Contain("signing-key bits say VCEK").And.Contain("signer certificate is a VLEK");
    }

    [Test]
    public void A_VLEK_report_presented_with_a_VCEK_and_its_ASK_is_rejected()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt)
            .Verify(SnpReport.Parse(SnpVectors.AwsReportBytes), SnpVectors.AzureChain);

        result.Failures[0].Message.Should().Contain("signing-key bits say VLEK").And.Contain("signer certificate is a VCEK");
    }

    [Test]
    public void A_VLEK_signed_report_relabelled_as_VCEK_is_rejected()
    {
        var bytes = SnpVectors.AwsReportBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x48), 0);

        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt).Verify(SnpReport.Parse(bytes), SnpVectors.AwsChain);

        result.Failures[0].Message.Should().Contain("signer binding mismatch");
    }

    [Test]
    public void An_unsigned_report_is_rejected_whatever_chain_comes_with_it()
    {
        var bytes = SnpVectors.AzureReportBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x48), 7 << 2);

        foreach (var chain in new[] { SnpVectors.AzureChain, SnpVectors.AwsChain })
        {
            var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(bytes), chain);

            result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationSignatureException>().Which.Message.Should().Contain("unsigned");
        }
    }

    [Test]
    public void A_report_with_an_unknown_signature_algorithm_is_rejected()
    {
        var bytes = SnpVectors.AzureReportBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x34), 2);
        bytes.AsSpan(0x330).Clear();

        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(bytes), SnpVectors.AzureChain);

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("SIGNATURE_ALGO");
    }
}
