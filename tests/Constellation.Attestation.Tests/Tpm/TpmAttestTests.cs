using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tests.Tpm;

public class TpmAttestTests
{
    [Test]
    public void The_real_GCE_sha256_quote_parses_with_the_fields_the_manifest_lists()
    {
        var attest = TpmAttest.Parse(GceVector.Attest("sha256"));

        attest.Magic.Should().Be(0xFF544347);
        attest.Type.Should().Be(0x8018);
        Convert.ToHexStringLower(attest.QualifiedSigner.Span).Should().Be("000bde01fe4b4ade2f8b7ae19b8a8897e0cb77ae417731d8ce38697ec4f6c095030a");
        attest.ExtraData.IsEmpty.Should().BeTrue();
        attest.ResetCount.Should().Be(10);
        attest.RestartCount.Should().Be(0);
        attest.Safe.Should().BeTrue();
        attest.FirmwareVersion.Should().Be(0x2016051100162800);
        attest.PcrSelections.Should().ContainSingle().Which.Should().Be(TpmPcrSelection.All(TpmAlgorithm.Sha256));
        Convert.ToHexStringLower(attest.PcrDigest.Span).Should().Be("048937cbaaf28af85a5b0c0997e725097a0d94e05fcda104a82ee3fb6b2e1808");
    }

    [TestCase("sha1")]
    [TestCase("sha256")]
    [TestCase("sha384")]
    public void Parsing_and_marshalling_a_real_quote_gives_back_the_same_bytes(string bank)
    {
        var bytes = GceVector.Attest(bank);
        var parsed = TpmAttest.Parse(bytes);
        var rebuilt = new TpmAttest(parsed.QualifiedSigner.Span, parsed.ExtraData.Span, parsed.Clock, parsed.ResetCount, parsed.RestartCount, parsed.Safe, parsed.FirmwareVersion, parsed.PcrSelections, parsed.PcrDigest.Span);

        rebuilt.ToArray().Should().Equal(bytes);
    }

    [Test]
    public void A_trailing_byte_is_rejected()
    {
        var act = () => TpmAttest.Parse([.. GceVector.Attest("sha256"), 0]);

        act.Should().Throw<AttestationFormatException>().WithMessage("*1 trailing bytes*");
    }

    [Test]
    public void A_bad_magic_is_rejected_naming_expected_and_actual()
    {
        var bytes = GceVector.Attest("sha256");
        bytes[0] = 0x00;

        var act = () => TpmAttest.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("TPMS_ATTEST.magic: expected 0xff544347, got 0x00544347");
    }

    [Test]
    public void An_attestation_of_another_type_than_quote_is_rejected()
    {
        var bytes = GceVector.Attest("sha256");
        bytes[5] = 0x17; // TPM_ST_ATTEST_CERTIFY

        var act = () => TpmAttest.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("TPMS_ATTEST.type: expected 0x8018*got 0x8017");
    }

    [Test]
    public void Every_truncation_of_a_real_quote_is_rejected_as_malformed()
    {
        var bytes = GceVector.Attest("sha256");
        for (var length = 0; length < bytes.Length; length++)
        {
            var act = () => TpmAttest.Parse(bytes.AsSpan(0, length));
            act.Should().Throw<AttestationFormatException>($"a quote cut to {length} bytes is incomplete");
        }
    }

    [Test]
    public void A_size_field_larger_than_the_remaining_data_is_rejected()
    {
        var bytes = GceVector.Attest("sha256");
        bytes[6] = 0x01; // qualifiedSigner size 0x0122

        var act = () => TpmAttest.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("TPMS_ATTEST.qualifiedSigner*");
    }
}
