using System.Text;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>Measurements on a real swtpm: a PCR extended after the expected values were taken.</summary>
[NonParallelizable]
public class QemuVtpmMeasurementTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("nonce for measurement tests");

    [Test]
    public async Task A_PCR_extended_after_issuing_is_an_enforced_mismatch_naming_index_expected_and_actual()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
        var before = await issuer.IssueAsync(new byte[] { 1 }, Nonce);
        var expected = SwtpmVtpm.MeasurementsOf(before);
        await SwtpmVtpm.ExtendAsync(swtpm, 16, "changed after the measurements were taken");
        var after = await issuer.IssueAsync(new byte[] { 1 }, Nonce);
        var actual16 = VtpmDocument.Parse(after).Attestation.Quotes.First(q => q.Bank == TpmAlgorithm.Sha256).Pcrs[16];

        var act = async () => await QemuVtpmVariant.CreateValidator(expected).ValidateAsync(after, Nonce);

        var thrown = await act.Should().ThrowAsync<MeasurementMismatchException>();
        thrown.Which.FailedIndices.Should().Equal(16u);
        thrown.Which.Message.Should().Contain("index 16")
            .And.Contain(expected[16].ToHex())
            .And.Contain(Convert.ToHexStringLower(actual16.AsSpan()));
    }

    [Test]
    public async Task Every_enforced_mismatch_is_reported_not_just_the_first()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
        var expected = SwtpmVtpm.MeasurementsOf(await issuer.IssueAsync(new byte[] { 1 }, Nonce));
        await SwtpmVtpm.ExtendAsync(swtpm, 12, "a");
        await SwtpmVtpm.ExtendAsync(swtpm, 14, "b");
        var after = await issuer.IssueAsync(new byte[] { 1 }, Nonce);

        var act = async () => await QemuVtpmVariant.CreateValidator(expected).ValidateAsync(after, Nonce);

        (await act.Should().ThrowAsync<MeasurementMismatchException>()).Which.FailedIndices.Should().Equal(12u, 14u);
    }

    [Test]
    public async Task A_warn_only_mismatch_succeeds_with_a_warning()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
        var expected = SwtpmVtpm.MeasurementsOf(await issuer.IssueAsync(new byte[] { 1 }, Nonce));
        expected = expected.With(16, new Measurement(expected[16].Expected.AsSpan(), warnOnly: true));
        await SwtpmVtpm.ExtendAsync(swtpm, 16, "changed");
        var after = await issuer.IssueAsync(new byte[] { 7 }, Nonce);

        var result = await QemuVtpmVariant.CreateValidator(expected).ValidateAsync(after, Nonce);

        result.UserData.ToArray().Should().Equal(7);
        result.Warnings.Should().ContainSingle().Which.Should().Contain("index 16").And.Contain("warn-only");
    }

    [Test]
    public async Task An_ECDSA_P256_attestation_key_is_accepted()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = new VtpmIssuer(AttestationVariant.QemuVtpm, SwtpmVtpm.Open(swtpm), new EccIssuerHooks(), SwtpmVtpm.NoEventLog);
        var document = await issuer.IssueAsync(new byte[] { 9 }, Nonce);

        var result = await QemuVtpmVariant.CreateValidator(SwtpmVtpm.MeasurementsOf(document)).ValidateAsync(document, Nonce);

        result.UserData.ToArray().Should().Equal(9);
        TpmSignature.Parse(VtpmDocument.Parse(document).Attestation.Quotes[0].RawSignature.Span).Algorithm.Should().Be(TpmAlgorithm.Ecdsa);
    }
}
