using System.Security.Cryptography;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

public class SnpTamperTests
{
    private static IEnumerable<TestCaseData> ValidVectors()
    {
        yield return new TestCaseData("azure").SetArgDisplayNames("azure-milan-vcek");
        yield return new TestCaseData("aws").SetArgDisplayNames("aws-milan-vlek");
    }

    [TestCaseSource(nameof(ValidVectors))]
    public void Flipping_any_single_byte_of_the_signed_region_gets_the_report_rejected(string vector)
    {
        var (bytes, chain, at) = Vector(vector);
        var verifier = SnpVectors.VerifierAt(at);
        verifier.Verify(SnpReport.Parse(bytes), chain).IsValid.Should().BeTrue("the untampered report is the baseline");

        var accepted = new List<int>();
        for (var offset = 0; offset < SnpReport.SignedRegionSize; offset++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[offset] ^= 0x01;
            if (SnpReport.TryParse(tampered, out var report) && verifier.Verify(report, chain).IsValid)
            {
                accepted.Add(offset);
            }
        }

        accepted.Should().BeEmpty();
    }

    [TestCaseSource(nameof(ValidVectors))]
    public void Flipping_a_byte_of_R_or_S_gets_the_report_rejected(string vector)
    {
        var (bytes, chain, at) = Vector(vector);
        var verifier = SnpVectors.VerifierAt(at);

        foreach (var offset in new[] { 0x2A0, 0x2A0 + 47, 0x2A0 + 72, 0x2A0 + 72 + 47 })
        {
            var tampered = (byte[])bytes.Clone();
            tampered[offset] ^= 0x80;
            verifier.Verify(SnpReport.Parse(tampered), chain).Failures.Should().Contain(f => f is AttestationSignatureException);
        }
    }

    [Test]
    public void A_report_signed_by_another_VCEK_key_is_rejected()
    {
        var bytes = SnpVectors.AzureReportBytes;
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var signature = otherKey.SignData(bytes.AsSpan(0, SnpReport.SignedRegionSize), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        SnpSignature.FromIeeeP1363(signature).CopyTo(bytes.AsSpan(SnpReport.SignedRegionSize));

        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(bytes), SnpVectors.AzureChain);

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationSignatureException>();
    }

    [Test]
    public void A_Genoa_report_against_the_Milan_ARK_only_is_rejected_with_a_clear_message()
    {
        var bytes = SnpVectors.AwsReportBytes;
        bytes[0x189] = 0x11; // CPUID model 0x11: Genoa
        var milanOnly = SnpTrustedRoots.FromPem(File.ReadAllText(Constellation.Tests.TestData.Evidence("snp/ark-milan.pem")));

        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt, roots: milanOnly).Verify(SnpReport.Parse(bytes), SnpVectors.AwsChain);

        result.Failures.Should().ContainSingle().Which.Message.Should()
            .Be("the report is from a Genoa processor but no ARK-Genoa is trusted (trusted roots: ARK-Milan); it cannot chain to a pinned root");
    }

    [Test]
    public void A_Genoa_report_when_Milan_is_expected_is_rejected_as_a_product_mismatch()
    {
        var bytes = SnpVectors.AwsReportBytes;
        bytes[0x189] = 0x11;

        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt, SnpProductLine.Milan).Verify(SnpReport.Parse(bytes), SnpVectors.AwsChain);

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("product mismatch").And.Contain("Genoa processor").And.Contain("Milan was expected");
    }

    [Test]
    public void A_Genoa_report_with_a_Milan_chain_fails_on_the_intermediate_name()
    {
        var bytes = SnpVectors.AwsReportBytes;
        bytes[0x189] = 0x11;

        var result = SnpVectors.VerifierAt(SnpVectors.AwsValidAt).Verify(SnpReport.Parse(bytes), SnpVectors.AwsChain);

        result.Failures.Should().ContainSingle().Which.Message.Should().Be("intermediate (ASVK) CN: expected SEV-VLEK-Genoa, got SEV-VLEK-Milan");
    }

    [Test]
    public void A_Milan_chain_whose_intermediate_is_a_Genoa_ASK_is_rejected()
    {
        var result = SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(SnpReport.Parse(SnpVectors.AzureReportBytes), new SnpEvidenceCertificates(SnpVectors.AzureVcek, SnpVectors.GenoaAsk));

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("expected SEV-Milan, got SEV-Genoa");
    }

    private static (byte[] Bytes, SnpEvidenceCertificates Chain, DateTimeOffset At) Vector(string name) => name == "azure"
        ? (SnpVectors.AzureReportBytes, SnpVectors.AzureChain, SnpVectors.AzureValidAt)
        : (SnpVectors.AwsReportBytes, SnpVectors.AwsChain, SnpVectors.AwsValidAt);
}
