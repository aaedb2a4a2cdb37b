using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Tamper sweeps over the real SEV-SNP evidence as a verifier receives it (an SNP InstanceInfo with the report, the
/// VCEK/VLEK and the ASK/ASVK, checked against the pinned ARK). The report's signed region is swept by
/// <see cref="SnpTamperTests"/>; here every byte of every certificate and of the pinned ARK is flipped.
/// </summary>
public sealed class SnpEvidenceTamperTests
{
    public sealed record Vector(string Name, byte[] Report, X509Certificate2 Signer, X509Certificate2 Intermediate, DateTimeOffset At)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<TestCaseData> Vectors()
    {
        yield return new TestCaseData(new Vector("azure-milan-vcek", SnpVectors.AzureReportBytes, SnpVectors.AzureVcek, SnpVectors.MilanAsk, SnpVectors.AzureValidAt)).SetArgDisplayNames("azure-milan-vcek");
        yield return new TestCaseData(new Vector("aws-milan-vlek", SnpVectors.AwsReportBytes, SnpVectors.AwsVlek, SnpVectors.MilanAsvk, SnpVectors.AwsValidAt)).SetArgDisplayNames("aws-milan-vlek");
    }

    [TestCaseSource(nameof(Vectors))]
    public async Task Flipping_any_byte_of_the_signing_certificate_gets_the_evidence_rejected_with_a_typed_error(Vector vector)
    {
        await BaselineHoldsAsync(vector);
        var der = vector.Signer.RawData;

        var outcome = await TamperSweep.FlipAsync<AttestationException>(der, 0, der.Length,
            tampered => CheckAsync(vector, Pem.Certificate(tampered), Pem.Certificates(vector.Intermediate)));

        outcome.ShouldRejectEverything($"{vector.Name} signing certificate");
    }

    [TestCaseSource(nameof(Vectors))]
    public async Task Flipping_any_byte_of_the_intermediate_gets_the_evidence_rejected_with_a_typed_error(Vector vector)
    {
        await BaselineHoldsAsync(vector);
        var der = vector.Intermediate.RawData;

        var outcome = await TamperSweep.FlipAsync<AttestationException>(der, 0, der.Length,
            tampered => CheckAsync(vector, Pem.Certificates(vector.Signer), Pem.Certificate(tampered)));

        outcome.ShouldRejectEverything($"{vector.Name} intermediate");
    }

    [TestCaseSource(nameof(Vectors))]
    public async Task Every_truncation_of_either_certificate_gets_the_evidence_rejected_with_a_typed_error(Vector vector)
    {
        var signer = vector.Signer.RawData;
        var intermediate = vector.Intermediate.RawData;
        var outcome = new SweepOutcome(typeof(AttestationException));

        // Length 0 would mean "no certificate in the evidence", which falls back to KDS (not configured here): also typed.
        for (var length = 0; length < signer.Length; length++)
        {
            var cut = signer[..length];
            await outcome.RunAsync($"signer cut to {length}", () => CheckAsync(vector, Pem.Certificate(cut), Pem.Certificates(vector.Intermediate)));
        }

        for (var length = 0; length < intermediate.Length; length++)
        {
            var cut = intermediate[..length];
            await outcome.RunAsync($"intermediate cut to {length}", () => CheckAsync(vector, Pem.Certificates(vector.Signer), Pem.Certificate(cut)));
        }

        outcome.ShouldRejectEverything($"{vector.Name} truncated certificate");
    }

    [Test]
    public void Flipping_any_byte_of_the_pinned_ARK_never_yields_a_root_that_verifies_the_real_chain()
    {
        var ark = Pem.DerBlocks(File.ReadAllText(TestData.Evidence("snp/ark-milan.pem")))[0];
        var report = SnpReport.Parse(SnpVectors.AzureReportBytes);

        var outcome = TamperSweep.Flip<AttestationException>(ark, 0, ark.Length, tampered =>
        {
            var roots = SnpTrustedRoots.FromPem(Pem.Certificate(tampered));
            SnpVectors.VerifierAt(SnpVectors.AzureValidAt, roots: roots).Verify(report, SnpVectors.AzureChain).ThrowIfInvalid();
        });

        outcome.ShouldRejectEverything("pinned ARK-Milan");
    }

    [Test]
    public async Task The_report_that_no_available_VLEK_signed_is_rejected_as_a_bad_signature()
    {
        var vector = new Vector("constellation-vlek", SnpVectors.ConstellationVlekReportBytes, SnpVectors.ConstellationVlek, SnpVectors.MilanAsvk, SnpVectors.ConstellationVlekValidAt);

        var act = () => CheckAsync(vector, Pem.Certificates(vector.Signer), Pem.Certificates(vector.Intermediate)).AsTask();

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    // The AWS report runs provisional firmware (committed TCB below current); the policy is not what is swept here.
    private static SnpValidationOptions Policy => new() { PermitProvisionalFirmware = true };

    private static async Task BaselineHoldsAsync(Vector vector) =>
        (await Checker(vector).VerifyAndValidateAsync(Info(vector.Report, Pem.Certificates(vector.Signer), Pem.Certificates(vector.Intermediate)), Policy, CancellationToken.None))
            .Should().NotBeNull("the untampered evidence is the baseline");

    private static async ValueTask CheckAsync(Vector vector, string signerPem, string chainPem) =>
        await Checker(vector).VerifyAndValidateAsync(Info(vector.Report, signerPem, chainPem), Policy, CancellationToken.None);

    private static SnpEvidenceChecker Checker(Vector vector) =>
        new(new SnpVariantOptions { MinimumTcb = new SnpTcbParts(0, 0, 0, 0), VerificationTime = vector.At, CheckRevocation = false });

    internal static SnpInstanceInfo Info(byte[] report, string signerPem, string chainPem)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["ReportSigner"] = Encoding.ASCII.GetBytes(signerPem),
            ["CertChain"] = Encoding.ASCII.GetBytes(chainPem),
            ["AttestationReport"] = report,
            ["Azure"] = null,
            ["GCP"] = null,
        });
        return SnpInstanceInfo.Parse(json);
    }
}
