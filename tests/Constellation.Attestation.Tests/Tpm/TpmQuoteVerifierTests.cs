using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tests.Tpm;

public class TpmQuoteVerifierTests
{
    private static readonly TpmPublic Ak = TpmPublic.Parse(GceVector.AkPublic);
    private static readonly TpmQuoteVerifier Verifier = new();

    [TestCase("sha1")]
    [TestCase("sha256")]
    [TestCase("sha384")]
    public void Every_real_GCE_quote_verifies_with_the_AK_and_an_empty_nonce(string bank)
    {
        var verified = QuoteVerification.VerifyAndBind(Ak, GceVector.Quote(bank), []);

        verified.Attest.PcrSelections[0].Hash.Should().Be(GceVector.BankOf(bank));
    }

    [Test]
    public void Flipping_any_bit_of_any_byte_of_the_signed_attest_structure_fails_the_signature()
    {
        var attest = GceVector.Attest("sha256");
        var signature = GceVector.Signature("sha256");
        for (var i = 0; i < attest.Length; i++)
        {
            var tampered = (byte[])attest.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            var act = () => Verifier.Verify(new TpmQuote(tampered, signature, TpmAlgorithm.Sha256, GceVector.Pcrs("sha256")), Ak);
            act.Should().Throw<AttestationSignatureException>($"byte {i} was flipped");
        }
    }

    [Test]
    public void A_PCR_value_that_does_not_match_the_quoted_digest_is_rejected_with_both_digests()
    {
        var pcrs = GceVector.Pcrs("sha256");
        pcrs[9][0] ^= 1;

        var act = () => Verifier.Verify(new TpmQuote(GceVector.Attest("sha256"), GceVector.Signature("sha256"), TpmAlgorithm.Sha256, pcrs), Ak);

        act.Should().Throw<AttestationBindingException>()
            .Which.Expected.Should().Be("048937cbaaf28af85a5b0c0997e725097a0d94e05fcda104a82ee3fb6b2e1808");
    }

    [Test]
    public void A_missing_PCR_value_changes_the_selection_and_is_rejected()
    {
        var pcrs = GceVector.Pcrs("sha256");
        pcrs.Remove(23);

        var act = () => Verifier.Verify(new TpmQuote(GceVector.Attest("sha256"), GceVector.Signature("sha256"), TpmAlgorithm.Sha256, pcrs), Ak);

        act.Should().Throw<AttestationBindingException>().WithMessage("*pcrSelect*");
    }

    [Test]
    public void PCR_values_of_another_bank_are_rejected()
    {
        var act = () => Verifier.Verify(new TpmQuote(GceVector.Attest("sha256"), GceVector.Signature("sha256"), TpmAlgorithm.Sha384, GceVector.Pcrs("sha384")), Ak);

        act.Should().Throw<AttestationBindingException>().WithMessage("*expected sha384:*got sha256:*");
    }

    [Test]
    public void An_RSAPSS_signature_is_not_accepted_for_an_RSA_key()
    {
        var signature = GceVector.Signature("sha256");
        signature[1] = 0x16;

        var act = () => Verifier.Verify(new TpmQuote(GceVector.Attest("sha256"), signature, TpmAlgorithm.Sha256, GceVector.Pcrs("sha256")), Ak);

        act.Should().Throw<AttestationSignatureException>().WithMessage("*expected RSASSA (0x0014)*got 0x0016");
    }

    [Test]
    public void A_signature_claiming_SHA1_is_not_accepted()
    {
        var signature = GceVector.Signature("sha256");
        signature[3] = 0x04;

        var act = () => Verifier.Verify(new TpmQuote(GceVector.Attest("sha256"), signature, TpmAlgorithm.Sha256, GceVector.Pcrs("sha256")), Ak);

        act.Should().Throw<AttestationSignatureException>().WithMessage("*hash*got sha1");
    }

    [Test]
    public void The_signature_of_one_bank_does_not_verify_the_quote_of_another()
    {
        var act = () => Verifier.Verify(new TpmQuote(GceVector.Attest("sha256"), GceVector.Signature("sha384"), TpmAlgorithm.Sha256, GceVector.Pcrs("sha256")), Ak);

        act.Should().Throw<AttestationSignatureException>();
    }

    [Test]
    public void The_result_states_what_was_verified_the_quote_the_key_the_signature_and_the_covered_values()
    {
        var quote = GceVector.Quote("sha384");

        var verified = Verifier.Verify(quote, Ak);

        verified.Quote.Should().BeSameAs(quote);
        verified.AttestationKey.Should().BeSameAs(Ak);
        verified.Bank.Should().Be(TpmAlgorithm.Sha384);
        verified.Signature.Algorithm.Should().Be(TpmAlgorithm.RsaSsa);
        verified.Attest.RawBytes.ToArray().Should().Equal(GceVector.Attest("sha384"));
        verified.PcrValues.Keys.Should().Equal(GceVector.Pcrs("sha384").Keys.Order());
        verified.EventLog.Should().BeNull();
    }

    [Test]
    public void An_event_log_given_with_the_quote_is_replayed_against_the_covered_values()
    {
        var log = TcgEventLog.Parse(GceVector.EventLog);

        var verified = Verifier.Verify(GceVector.Quote("sha256"), Ak, log);

        verified.EventLog.Should().BeSameAs(log);
    }

    [Test]
    public void An_event_log_that_does_not_replay_to_the_covered_values_is_refused_with_both_values()
    {
        // Honest and self-consistent, but not the log of this boot: PCR 0 replays to another value.
        var log = TcgEventLog.Parse(GceVector.NonConfidentialEventLog);

        var act = () => Verifier.Verify(GceVector.Quote("sha256"), Ak, log);

        act.Should().Throw<AttestationBindingException>().WithMessage("*event log replay of PCR 0 (sha256)*")
            .Which.Expected.Should().Be(Convert.ToHexStringLower(GceVector.Pcrs("sha256")[0]));
    }
}
