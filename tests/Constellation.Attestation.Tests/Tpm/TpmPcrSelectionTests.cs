using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tests.Tpm;

public class TpmPcrSelectionTests
{
    [Test]
    public void All_24_sha256_PCRs_marshal_as_the_spec_example()
    {
        Convert.ToHexStringLower(TpmPcrSelection.SerializeList([TpmPcrSelection.All(TpmAlgorithm.Sha256)])).Should().Be("00000001000b03ffffff");
    }

    [Test]
    public void A_bitmap_selects_PCR_n_by_bit_n_mod_8_of_byte_n_div_8()
    {
        var list = TpmPcrSelection.ParseList(Convert.FromHexString("00000001000403810001"));

        list.Should().ContainSingle();
        list[0].Hash.Should().Be(TpmAlgorithm.Sha1);
        list[0].Indices.Should().Equal(0, 7, 16);
    }

    [Test]
    public void Several_banks_round_trip()
    {
        TpmPcrSelection[] selections = [new(TpmAlgorithm.Sha1, [1, 2]), new(TpmAlgorithm.Sha512, [23])];

        TpmPcrSelection.ParseList(TpmPcrSelection.SerializeList(selections)).Should().Equal(selections);
    }

    [Test]
    public void Oversized_bitmaps_truncation_and_trailing_bytes_are_rejected()
    {
        ((Action)(() => TpmPcrSelection.ParseList(Convert.FromHexString("00000001000b09ffffffffffffffffff")))).Should().Throw<AttestationFormatException>().WithMessage("*sizeofSelect*");
        ((Action)(() => TpmPcrSelection.ParseList(Convert.FromHexString("00000001000b03ffff")))).Should().Throw<AttestationFormatException>().WithMessage("*truncated*");
        ((Action)(() => TpmPcrSelection.ParseList(Convert.FromHexString("00000001000b03ffffff00")))).Should().Throw<AttestationFormatException>().WithMessage("*trailing*");
        ((Action)(() => TpmPcrSelection.ParseList(Convert.FromHexString("ffffffff")))).Should().Throw<AttestationFormatException>().WithMessage("*count*");
    }
}
