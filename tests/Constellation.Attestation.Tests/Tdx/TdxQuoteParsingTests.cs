using System.Buffers.Binary;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class TdxQuoteParsingTests
{
    [Test]
    public void The_real_v4_quote_parses_with_the_manifest_fields()
    {
        var quote = RealTdx.V4;

        quote.Version.Should().Be(4);
        quote.Header.AttestationKeyType.Should().Be(2);
        quote.Header.TeeType.Should().Be(0x81u);
        quote.Header.QeVendorId.ToArray().Should().Equal(Convert.FromHexString("939a7233f79c4ca9940a0db3957f0607"));
        quote.Body.TeeTcbSvn.ToArray().Should().Equal(Convert.FromHexString("03000400000000000000000000000000"));
        quote.Body.IsTdx15.Should().BeFalse();
        quote.SignedData.Length.Should().Be(632);
        quote.Length.Should().Be(4935);
        quote.QeReport.IsvSvn.Should().Be(4);
        quote.QeAuthData.Length.Should().Be(32);
        quote.TrailingByteCount.Should().Be(0);
    }

    [Test]
    public void The_real_v5_quote_parses_as_a_TDX_1_5_body_with_a_702_byte_signed_region()
    {
        var quote = RealTdx.V5;

        quote.Version.Should().Be(5);
        quote.BodyType.Should().Be(3);
        quote.Body.IsTdx15.Should().BeTrue();
        quote.Body.TeeTcbSvn.ToArray().Should().Equal(Convert.FromHexString("0b010400000000000000000000000000"));
        quote.Body.TeeTcbSvn2.Length.Should().Be(16);
        quote.Body.MrServiceTd.Length.Should().Be(48);
        quote.SignedData.Length.Should().Be(702);
        quote.QeReport.IsvSvn.Should().Be(7);
    }

    [Test]
    public void The_untrimmed_v4_file_is_rejected_by_strict_parsing_naming_the_39_trailing_bytes()
    {
        var act = () => TdxQuote.Parse(RealTdx.V4WithTrailerBytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("*39 trailing bytes*4935*");
    }

    [Test]
    public void The_untrimmed_v4_file_parses_leniently_and_reports_the_trailer()
    {
        var quote = TdxQuote.Parse(RealTdx.V4WithTrailerBytes, TdxQuoteParseOptions.Lenient);

        quote.TrailingByteCount.Should().Be(39);
        quote.RawData.ToArray().Should().Equal(RealTdx.V4Bytes);
    }

    [Test]
    public void Every_truncation_of_the_v4_quote_is_a_format_error()
    {
        var bytes = RealTdx.V4Bytes;
        for (var length = 0; length < bytes.Length; length += length < 700 ? 1 : 37)
        {
            var act = () => TdxQuote.Parse(bytes.AsSpan(0, length));
            act.Should().Throw<AttestationFormatException>($"a quote cut to {length} bytes is incomplete");
        }
    }

    [TestCase(0, (ushort)3, "version")]
    [TestCase(2, (ushort)3, "attestation key type")]
    [TestCase(4, (ushort)0, "TEE type")]
    public void A_wrong_header_value_is_a_format_error_naming_the_field(int offset, ushort value, string field)
    {
        var bytes = RealTdx.V4Bytes;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), value);

        var act = () => TdxQuote.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage($"TDX quote: {field}:*");
    }

    [Test]
    public void A_wrong_certification_data_type_is_a_format_error()
    {
        var bytes = RealTdx.V4Bytes;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x27C + 128), 5);

        var act = () => TdxQuote.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("*certification data type: expected 6*got 5");
    }

    [Test]
    public void A_certification_data_size_that_disagrees_with_the_signature_data_length_is_a_format_error()
    {
        var bytes = RealTdx.V4Bytes;
        var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(0x27C + 130));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x27C + 130), size - 1);

        var act = () => TdxQuote.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("*certification data size*");
    }

    [TestCase((ushort)1, 584u, "v5 body type")]
    [TestCase((ushort)3, 584u, "v5 body size")]
    [TestCase((ushort)2, 648u, "v5 body size")]
    public void A_v5_quote_with_an_unsupported_body_type_or_size_is_a_format_error(ushort type, uint size, string field)
    {
        var bytes = RealTdx.V5Bytes;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(48), type);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(50), size);

        var act = () => TdxQuote.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage($"TDX quote: {field}:*");
    }

    [Test]
    public void TryParse_returns_false_for_garbage()
    {
        TdxQuote.TryParse(new byte[100], out var quote).Should().BeFalse();
        quote.Should().BeNull();
    }

    [Test]
    public void The_PCK_extensions_of_the_real_v4_quote_give_its_FMSPC_and_TCB_components()
    {
        var leaf = TdxQuoteVerifier.ReadPckChain(RealTdx.V4)[0];

        var pck = PckCertificateExtensions.Read(leaf);

        pck.FmspcHex.Should().Be("50806f000000");
        pck.SgxTcbComponents.ToArray().Should().Equal(3, 3, 2, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0);
        pck.PceSvn.Should().Be(11);
        pck.CpuSvn.ToArray().Should().Equal(pck.SgxTcbComponents.ToArray());
        pck.PceIdHex.Should().Be("0000");
        pck.Ppid.Length.Should().Be(16);
        TdxQuoteVerifier.GetPckCaType(RealTdx.V4).Should().Be(PckCaType.Platform);
    }

    [Test]
    public void The_PCK_extensions_of_the_real_v5_quote_give_its_FMSPC_and_PCE_SVN()
    {
        var pck = PckCertificateExtensions.Read(TdxQuoteVerifier.ReadPckChain(RealTdx.V5)[0]);

        pck.FmspcHex.Should().Be("90c06f000000");
        pck.SgxTcbComponents[..8].ToArray().Should().Equal(4, 4, 2, 2, 4, 1, 0, 5);
        pck.PceSvn.Should().Be(13);
    }

    [Test]
    public void A_certificate_without_the_SGX_extension_is_a_format_error()
    {
        var notPck = RealTdx.Root;

        var act = () => PckCertificateExtensions.Read(notPck);

        act.Should().Throw<AttestationFormatException>().WithMessage("*no SGX extension*");
    }
}
