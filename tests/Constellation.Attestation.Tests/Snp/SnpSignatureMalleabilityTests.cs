using System.Numerics;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>
/// ECDSA signatures are malleable: (r, n−s) verifies wherever (r, s) does. AMD firmware emits high-S signatures (both
/// real signed reports here have s &gt; n/2), so both forms are accepted; what must hold is that only the signed
/// region (0x000–0x29F) carries meaning and that no memo lends one report's verdict to another.
/// </summary>
public class SnpSignatureMalleabilityTests
{
    private static readonly BigInteger P384Order = BigInteger.Parse("0ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private static BigInteger S(byte[] report) => new(report.AsSpan(SnpReport.SignedRegionSize + 72, 48), isUnsigned: true, isBigEndian: false);

    /// <summary>The byte-different twin of a report: the same signed region with S replaced by n − S.</summary>
    private static byte[] Twin(byte[] report)
    {
        var twin = (byte[])report.Clone();
        var flipped = P384Order - S(report);
        var s = twin.AsSpan(SnpReport.SignedRegionSize + 72, 72);
        s.Clear();
        flipped.TryWriteBytes(s, out _, isUnsigned: true, isBigEndian: false).Should().BeTrue();
        return twin;
    }

    private static IEnumerable<TestCaseData> RealVectors()
    {
        yield return new TestCaseData(SnpVectors.AzureReportBytes, SnpVectors.AzureChain, SnpVectors.AzureValidAt).SetArgDisplayNames("azure-milan-vcek");
        yield return new TestCaseData(SnpVectors.AwsReportBytes, SnpVectors.AwsChain, SnpVectors.AwsValidAt).SetArgDisplayNames("aws-milan-vlek");
    }

    [TestCaseSource(nameof(RealVectors))]
    public void Real_AMD_firmware_signs_with_high_S_so_rejecting_high_S_would_reject_real_evidence(byte[] report, SnpEvidenceCertificates chain, DateTimeOffset at)
    {
        S(report).Should().BeGreaterThan(P384Order / 2);
        SnpVectors.VerifierAt(at).Verify(SnpReport.Parse(report), chain).Failures.Should().BeEmpty();
    }

    [TestCaseSource(nameof(RealVectors))]
    public void The_n_minus_s_twin_of_a_real_report_verifies_as_documented_and_differs_only_in_the_signature(byte[] report, SnpEvidenceCertificates chain, DateTimeOffset at)
    {
        var twin = Twin(report);

        twin.Should().NotEqual(report);
        twin.AsSpan(0, SnpReport.SignedRegionSize).SequenceEqual(report.AsSpan(0, SnpReport.SignedRegionSize)).Should().BeTrue();
        SnpVectors.VerifierAt(at).Verify(SnpReport.Parse(twin), chain).Failures.Should().BeEmpty();
    }

    [TestCaseSource(nameof(RealVectors))]
    public void A_warm_verifier_does_not_lend_a_verified_reports_verdict_to_a_report_with_other_signed_bytes(byte[] report, SnpEvidenceCertificates chain, DateTimeOffset at)
    {
        var verifier = SnpVectors.VerifierAt(at);
        verifier.Verify(SnpReport.Parse(report), chain).Failures.Should().BeEmpty("the real report warms the chain memo");
        verifier.Verify(SnpReport.Parse(Twin(report)), chain).Failures.Should().BeEmpty("its twin is the same signed content");

        foreach (var signature in new[] { report, Twin(report) })
        {
            // Same signature bytes as a verified report, one REPORT_DATA bit different.
            var other = (byte[])signature.Clone();
            other[0x50] ^= 0x01;

            verifier.Verify(SnpReport.Parse(other), chain).Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationSignatureException>();
        }
    }
}
