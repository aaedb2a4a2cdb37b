using System.Text;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// The PCR digest covers the reported values concatenated, not where one ends and the next begins. Moving bytes from
/// one PCR to its neighbour keeps the concatenation, so the signed digest still matches: a verifier that does not
/// require each value to be exactly one digest long would report one PCR's bytes as another's.
/// </summary>
[NonParallelizable]
public class PcrValueBoundaryTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("nonce for boundary tests");

    private static Dictionary<int, byte[]> Shifted(IReadOnlyDictionary<int, byte[]> pcrs, int from, int to)
    {
        // PCR `to` takes PCR `from`'s bytes as well; PCR `from` is left empty. Same concatenation, same digest.
        var shifted = pcrs.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        shifted[to] = [.. pcrs[to], .. pcrs[from]];
        shifted[from] = [];
        return shifted;
    }

    [TestCase("sha1", 20)]
    [TestCase("sha256", 32)]
    [TestCase("sha384", 48)]
    public void A_real_GCE_quote_with_bytes_moved_between_two_PCRs_is_rejected_naming_the_PCR_and_both_lengths(string bank, int size)
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);
        var shifted = Shifted(GceVector.Pcrs(bank), from: 1, to: 0);
        // The premise: the concatenation, and so the signed digest, is unchanged.
        TpmQuoteVerifier.ComputePcrDigest(TpmAlgorithm.Sha256, shifted).Should().Equal(TpmQuoteVerifier.ComputePcrDigest(TpmAlgorithm.Sha256, GceVector.Pcrs(bank)));

        var act = () => QuoteVerification.VerifyAndBind(ak, new TpmQuote(GceVector.Attest(bank), GceVector.Signature(bank), GceVector.BankOf(bank), shifted), []);

        act.Should().Throw<AttestationFormatException>()
            .WithMessage($"{bank} PCR 0 value: expected {size} bytes (the bank's digest size), got {2 * size}");
    }

    [Test]
    public void The_same_real_GCE_quote_with_its_values_as_reported_still_verifies()
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);

        var act = () => QuoteVerification.VerifyAndBind(ak, GceVector.Quote("sha256"), []);

        act.Should().NotThrow();
    }

    [Test]
    public async Task A_document_that_moves_one_PCR_s_bytes_into_its_neighbour_is_rejected_before_the_measurements_are_compared()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
        var document = await issuer.IssueAsync(new byte[] { 1 }, Nonce);
        // Every PCR warn-only: without the length rule this document would be accepted, with a verified-looking
        // PCR 0 that carries PCR 1's bytes and only warnings to show for it.
        var measurements = SwtpmVtpm.MeasurementsOf(document, warnOnly: true);
        var shiftedDocument = SwtpmVtpm.WithQuote(document, TpmAlgorithm.Sha256, q =>
            new TpmQuote(q.Quote.Span, q.RawSignature.Span, q.Bank, Shifted(q.Pcrs.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), from: 1, to: 0)));

        var act = async () => await QemuVtpmVariant.CreateValidator(measurements).ValidateAsync(shiftedDocument, Nonce);

        (await act.Should().ThrowAsync<AttestationFormatException>())
            .Which.Message.Should().Contain("sha256 PCR 0 value: expected 32 bytes").And.Contain("got 64");
    }
}
