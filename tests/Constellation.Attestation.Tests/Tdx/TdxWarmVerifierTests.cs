using System.Buffers.Binary;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>
/// A warm verifier reuses imported attestation keys (by exact bytes) and remembered chain/collateral checks; none of that
/// may let a quote through that a cold verifier rejects.
/// </summary>
public sealed class TdxWarmVerifierTests : SyntheticTdxFixture
{
    private const int SignatureOffset = 48 + 584 + 4;

    private TdxQuoteVerifier WarmVerifier(out byte[] quote)
    {
        var verifier = new TdxQuoteVerifier(_pki.Options);
        quote = _pki.Quote();
        verifier.VerifyAndValidate(TdxQuote.Parse(quote), _pki.Collateral());
        return verifier;
    }

    [Test]
    public void Every_signed_header_and_body_byte_flipped_after_warm_up_is_rejected_by_the_warm_verifier()
    {
        var verifier = WarmVerifier(out var quote);
        var collateral = _pki.Collateral();
        for (var i = 0; i < 48 + 584; i++)
        {
            var tampered = quote.ToArray();
            tampered[i] ^= 0x01;
            if (!TdxQuote.TryParse(tampered, out var parsed))
            {
                continue; // header fields the parser itself refuses (version, key type, TEE type)
            }

            var act = () => verifier.VerifyAndValidate(parsed!, collateral);
            act.Should().Throw<AttestationSignatureException>($"byte {i} is signed");
        }
    }

    [Test]
    public void A_second_quote_from_the_same_attestation_key_verifies_and_its_tampered_signature_does_not()
    {
        var verifier = WarmVerifier(out _);
        var second = _pki.Quote();
        verifier.VerifyAndValidate(TdxQuote.Parse(second), _pki.Collateral()).Verification.Quote.Should().NotBeNull();

        second[SignatureOffset + 10] ^= 0x80;
        var act = () => verifier.VerifyAndValidate(TdxQuote.Parse(second), _pki.Collateral());

        act.Should().Throw<AttestationSignatureException>();
    }

    [Test]
    public void An_attestation_key_that_is_not_a_curve_point_is_refused_every_time()
    {
        var verifier = WarmVerifier(out var quote);
        quote[SignatureOffset + 64 + 63] ^= 0x01; // last byte of y: (x, y') is off the curve

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var act = () => verifier.VerifyAndValidate(TdxQuote.Parse(quote), _pki.Collateral());
            act.Should().Throw<AttestationFormatException>().WithMessage("TDX quote attestation key: not a valid P-256 public key*");
        }
    }

    [Test]
    public async Task Concurrent_verifications_sharing_pooled_keys_give_the_same_verdicts_as_sequential_ones()
    {
        var verifier = WarmVerifier(out var quote);
        var collateral = _pki.Collateral();
        var bad = quote.ToArray();
        bad[SignatureOffset + 5] ^= 0x04;

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
        {
            try
            {
                verifier.VerifyAndValidate(TdxQuote.Parse(i % 2 == 0 ? quote : bad), collateral);
                return (i, true);
            }
            catch (AttestationSignatureException)
            {
                return (i, false);
            }
        })));

        results.Should().OnlyContain(r => r.Item2 == (r.i % 2 == 0));
    }

    [Test]
    public void The_QE_report_of_another_quote_is_not_taken_for_the_remembered_one()
    {
        var verifier = WarmVerifier(out var quote);
        var qeReportOffset = SignatureOffset + 64 + 64 + 6;
        quote[qeReportOffset + 0x30] ^= 0x01; // QE report attributes: signed by the PCK, part of the memo key
        BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(SignatureOffset + 128)).Should().Be(6, "the certification data type precedes the QE report");

        var act = () => verifier.VerifyAndValidate(TdxQuote.Parse(quote), _pki.Collateral());

        act.Should().Throw<AttestationSignatureException>().WithMessage("QE report signature*");
    }
}
