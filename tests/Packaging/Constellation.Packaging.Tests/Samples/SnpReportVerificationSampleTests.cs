namespace Constellation.Packaging.Tests.Samples;

[TestsSample("SnpReportVerification")]
public class SnpReportVerificationSampleTests
{
    [Test]
    public async Task The_snp_sample_verifies_the_real_azure_report_and_its_chain_offline_and_finds_its_policy_satisfied()
    {
        var (code, output) = await SampleBuilds.RunAsync("SnpReportVerification");

        code.Should().Be(0, output);
        output.Should().Contain("signature and chain (VCEK -> ASK -> ARK-Milan) at 2026-01-01 00:00:00Z: verified")
            .And.Contain("policy (measurement, report data, minimum TCB, no debug, VMPL 0): satisfied")
            .And.Contain("verdict: valid");
    }

    [Test]
    public async Task The_snp_sample_rejects_the_same_report_once_its_vcek_has_expired()
    {
        var (code, output) = await SampleBuilds.RunAsync("SnpReportVerification", "--at", "2031-01-01T00:00:00Z");

        code.Should().Be(1, output);
        output.Should().Contain("AttestationFreshnessException").And.Contain("expired").And.Contain("verdict: rejected");
        output.Should().NotContain("verdict: valid");
    }
}
