using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class TdxQuoteSignatureTests
{
    [Test]
    public void The_real_quotes_signatures_and_QE_binding_verify()
    {
        foreach (var quote in new[] { RealTdx.V4, RealTdx.V5 })
        {
            TdxQuoteSignatures.VerifyQuoteSignature(quote);
            TdxQuoteSignatures.VerifyQeReportSignature(quote, TdxQuoteVerifier.ReadPckChain(quote)[0]);
            TdxQuoteSignatures.VerifyQeReportBinding(quote);
        }
    }

    [Test]
    public void Flipping_any_byte_of_the_signed_header_and_body_is_rejected()
    {
        var original = RealTdx.V4Bytes;
        for (var i = 0; i < 632; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= 0x01;
            if (!TdxQuote.TryParse(bytes, out var quote))
            {
                continue; // header fields the parser already rejects (version, key type, TEE type)
            }

            var act = () => TdxQuoteSignatures.VerifyQuoteSignature(quote!);
            act.Should().Throw<AttestationSignatureException>($"byte {i} of the signed region was flipped");
        }
    }

    [Test]
    public void Flipping_any_byte_of_the_v5_signed_region_is_rejected()
    {
        var original = RealTdx.V5Bytes;
        for (var i = 0; i < 702; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= 0x01;
            if (!TdxQuote.TryParse(bytes, out var quote))
            {
                continue;
            }

            var act = () => TdxQuoteSignatures.VerifyQuoteSignature(quote!);
            act.Should().Throw<AttestationSignatureException>($"byte {i} of the signed region was flipped");
        }
    }

    [Test]
    public void Flipping_any_byte_of_the_QE_report_is_rejected()
    {
        var original = RealTdx.V4Bytes;
        var leaf = TdxQuoteVerifier.ReadPckChain(RealTdx.V4)[0];
        var start = 0x27C + 134;
        for (var i = start; i < start + 384; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= 0x80;
            var quote = TdxQuote.Parse(bytes);

            var act = () => TdxQuoteSignatures.VerifyQeReportSignature(quote, leaf);
            act.Should().Throw<AttestationSignatureException>($"QE report byte {i - start} was flipped");
        }
    }

    [Test]
    public void A_flipped_quote_signature_byte_is_rejected()
    {
        var bytes = RealTdx.V4Bytes;
        bytes[0x27C + 10] ^= 0x01;

        var act = () => TdxQuoteSignatures.VerifyQuoteSignature(TdxQuote.Parse(bytes));

        act.Should().Throw<AttestationSignatureException>().WithMessage("*632 bytes*");
    }

    [Test]
    public void Changed_QE_authentication_data_breaks_the_binding()
    {
        var bytes = RealTdx.V4Bytes;
        var authStart = 0x27C + 134 + 384 + 64 + 2;
        bytes[authStart] ^= 0x01;

        var act = () => TdxQuoteSignatures.VerifyQeReportBinding(TdxQuote.Parse(bytes));

        act.Should().Throw<AttestationBindingException>().Which.Field.Should().Be("QE report data");
    }

    [Test]
    public void An_attestation_key_that_is_not_a_curve_point_is_a_format_error()
    {
        var bytes = RealTdx.V4Bytes;
        bytes[0x27C + 64 + 63] ^= 0x01; // y coordinate

        var act = () => TdxQuoteSignatures.VerifyQuoteSignature(TdxQuote.Parse(bytes));

        act.Should().Throw<AttestationException>();
    }
}
