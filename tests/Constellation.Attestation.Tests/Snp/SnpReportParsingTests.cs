using System.Buffers.Binary;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

public class SnpReportParsingTests
{
    [Test]
    public void The_Azure_report_parses_with_the_fields_the_manifest_states()
    {
        var report = SnpReport.Parse(SnpVectors.AzureReportBytes);

        report.Version.Should().Be(2);
        report.Vmpl.Should().Be(0);
        report.Policy.Raw.Should().Be(0x3001f);
        report.SigningKey.Should().Be(SnpSigningKey.Vcek);
        report.SignatureAlgorithm.Should().Be(1);
        report.ProductLine.Should().BeNull("a v2 report carries no CPUID");
        report.CurrentTcb.Raw.Should().Be(0x5d06000000000002);
        report.ReportedTcb.Raw.Should().Be(0x5d06000000000002);
        report.CommittedTcb.Raw.Should().Be(0x5d06000000000002);
        report.LaunchTcb.Raw.Should().Be(0x5d06000000000002);
        (report.ReportedTcb.Bootloader, report.ReportedTcb.Tee, report.ReportedTcb.Snp, report.ReportedTcb.Microcode).Should().Be((2, 0, 6, 0x5d));
        report.PlatformInfo.Raw.Should().Be(0x1);
        report.IsChipIdMasked.Should().BeFalse();
        report.ReportIdMa.ToArray().Should().OnlyContain(b => b == 0xFF);
        Convert.ToHexStringLower(report.ReportData[..8]).Should().Be("0ccc0895ef2f2c3b");
    }

    [Test]
    public void The_AWS_report_is_version_3_from_a_Milan_CPU_signed_by_a_VLEK_with_masked_chip_id()
    {
        var report = SnpReport.Parse(SnpVectors.AwsReportBytes);

        report.Version.Should().Be(3);
        (report.CpuidFamily, report.CpuidModel, report.CpuidStepping).Should().Be(((byte?)0x19, (byte?)0x01, (byte?)0x01));
        report.ProductLine.Should().Be(SnpProductLine.Milan);
        report.SigningKey.Should().Be(SnpSigningKey.Vlek);
        report.SignerInfo.Should().Be(0x4);
        report.MaskChipKey.Should().BeFalse();
        report.IsChipIdMasked.Should().BeTrue();
        report.PlatformInfo.Raw.Should().Be(0x27);
        Convert.ToHexStringLower(report.ReportData[..4]).Should().Be("87ab7caf");
    }

    [Test]
    public void The_Constellation_VLEK_report_parses_with_the_manifest_fields()
    {
        var report = SnpReport.Parse(SnpVectors.ConstellationVlekReportBytes);

        report.Version.Should().Be(2);
        report.Policy.Raw.Should().Be(0x30000);
        report.CurrentTcb.Raw.Should().Be(0xce0a000000000003);
        report.ReportedTcb.Raw.Should().Be(0x730a000000000003);
        report.CommittedTcb.Raw.Should().Be(0x730a000000000003);
        report.LaunchTcb.Raw.Should().Be(0x730a000000000003);
        report.PlatformInfo.Raw.Should().Be(0x3);
        (report.CurrentMajor, report.CurrentMinor, report.CurrentBuild).Should().Be(((byte)1, (byte)54, (byte)1));
        Convert.ToHexStringLower(report.ReportData).Should().Be("44a93ab043ad14ece9bfa97305d95302c9cc6ed95e17efaf7348ed7a7603e1ca89d12758e089d2abcf5a4dd16a99e3cb4cba8f0b8e8cb8eac3e926f1d2b5cfec");
        Convert.ToHexStringLower(report.Measurement).Should().Be("c2c84b9364fc9f0f54b04534768c860c6e0e386ad98b96e8b98eca46ac8971d05c531ba48373f054c880cfd1f4a0a84e");
        Convert.ToHexStringLower(report.ReportId).Should().Be("8c5d6770df734a203cd061a3698e702caed25e7f744dc060eb9dcba0f2e4bdb2");
    }

    [TestCase(-1)]
    [TestCase(1)]
    [TestCase(-1184)]
    public void A_report_of_the_wrong_length_is_a_format_error(int delta)
    {
        var bytes = SnpVectors.AzureReportBytes;
        var data = delta > 0 ? bytes.Concat(new byte[delta]).ToArray() : bytes[..(bytes.Length + delta)];

        var act = () => SnpReport.Parse(data);

        act.Should().Throw<AttestationFormatException>().WithMessage("*exactly 1184 bytes*");
        SnpReport.TryParse(data, out _).Should().BeFalse();
    }

    [TestCase(1u)]
    [TestCase(6u)]
    public void An_unsupported_version_is_a_format_error(uint version)
    {
        var bytes = SnpVectors.AzureReportBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, version);

        FluentActions.Invoking(() => SnpReport.Parse(bytes)).Should().Throw<AttestationFormatException>().WithMessage($"*version {version}*");
    }

    [TestCase(0x3001fUL & ~(1UL << 17), "bit 17")]
    [TestCase(0x3001fUL | (1UL << 26), "63:26")]
    [TestCase(0x3001fUL | (1UL << 63), "63:26")]
    public void A_policy_with_bad_reserved_bits_is_a_format_error(ulong policy, string mention)
    {
        var bytes = SnpVectors.AzureReportBytes;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), policy);

        FluentActions.Invoking(() => SnpReport.Parse(bytes)).Should().Throw<AttestationFormatException>().WithMessage($"*{mention}*");
    }

    [TestCase(0x20u)]
    [TestCase(0x80000000u)]
    [TestCase(2u << 2)]
    [TestCase(6u << 2)]
    public void Reserved_signer_info_values_are_format_errors(uint signerInfo)
    {
        var bytes = SnpVectors.AzureReportBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x48), signerInfo);

        FluentActions.Invoking(() => SnpReport.Parse(bytes)).Should().Throw<AttestationFormatException>().WithMessage("*signer info*");
    }

    [TestCase(0x04C)]
    [TestCase(0x188)]
    [TestCase(0x19F)]
    [TestCase(0x1EB)]
    [TestCase(0x1EF)]
    [TestCase(0x208)]
    [TestCase(0x29F)]
    [TestCase(0x330)]
    [TestCase(0x49F)]
    public void A_non_zero_must_be_zero_byte_in_a_v2_report_is_a_format_error(int offset)
    {
        var bytes = SnpVectors.AzureReportBytes;
        bytes[offset] = 0x01;

        FluentActions.Invoking(() => SnpReport.Parse(bytes)).Should().Throw<AttestationFormatException>().WithMessage($"*0x{offset:x3}*");
    }

    [Test]
    public void A_v3_report_may_carry_cpuid_bytes_where_v2_must_be_zero()
    {
        var bytes = SnpVectors.AwsReportBytes;
        bytes[0x18B] = 1;

        SnpReport.TryParse(SnpVectors.AwsReportBytes, out _).Should().BeTrue();
        FluentActions.Invoking(() => SnpReport.Parse(bytes)).Should().Throw<AttestationFormatException>().WithMessage("*0x18b*");
    }

    [Test]
    public void Random_input_never_throws_anything_but_a_format_error()
    {
        var random = new Random(6);
        for (var i = 0; i < 2000; i++)
        {
            var data = new byte[i % 3 == 0 ? SnpReport.Size : random.Next(0, 2 * SnpReport.Size)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length == SnpReport.Size)
            {
                // Start from a valid header so deeper checks are reached.
                SnpVectors.AzureReportBytes.AsSpan(0, 0x50).CopyTo(data);
            }

            var act = () => SnpReport.Parse(data);
            try
            {
                act();
            }
            catch (AttestationFormatException)
            {
            }
        }
    }

    [Test]
    public void Turin_TCBs_use_the_FMC_first_layout_and_Milan_TCBs_the_classic_one()
    {
        var raw = 0x0900000004030201UL;

        var turin = new SnpTcbVersion(raw, SnpProductLine.Turin);
        var milan = new SnpTcbVersion(0x5d06000000000002, SnpProductLine.Milan);

        (turin.Fmc, turin.Bootloader, turin.Tee, turin.Snp, turin.Microcode).Should().Be(((byte)1, (byte)2, (byte)3, (byte)4, (byte)9));
        (milan.Fmc, milan.Bootloader, milan.Tee, milan.Snp, milan.Microcode).Should().Be(((byte)0, (byte)2, (byte)0, (byte)6, (byte)0x5d));
        SnpTcbVersion.FromComponents(SnpProductLine.Turin, 2, 3, 4, 9, fmc: 1).Raw.Should().Be(raw);
        SnpTcbVersion.FromComponents(SnpProductLine.Milan, 2, 0, 6, 0x5d).Raw.Should().Be(0x5d06000000000002);
    }

    [Test]
    public void TCBs_compare_component_wise_not_as_integers()
    {
        var high = SnpTcbVersion.FromComponents(SnpProductLine.Milan, 9, 0, 0, 200);
        var other = SnpTcbVersion.FromComponents(SnpProductLine.Milan, 1, 1, 1, 100);

        high.Raw.Should().BeGreaterThan(other.Raw);
        high.IsAtLeast(other).Should().BeFalse("tee and snp are lower");
        other.IsAtLeast(other).Should().BeTrue();
    }

    [Test]
    public void The_signature_converts_little_endian_R_and_S_to_P1363_and_back()
    {
        var report = SnpReport.Parse(SnpVectors.AzureReportBytes);

        var p1363 = SnpSignature.ToIeeeP1363(report.Signature);

        p1363.Should().HaveCount(96);
        p1363[0].Should().Be(report.Signature[47]);
        p1363[48].Should().Be(report.Signature[72 + 47]);
        SnpSignature.FromIeeeP1363(p1363).Should().Equal(report.Signature.ToArray());
    }

    [Test]
    public void A_v2_report_can_be_redecoded_for_Turin_but_a_v3_report_cannot_change_product()
    {
        var v2 = SnpReport.Parse(SnpVectors.AzureReportBytes).WithProductLine(SnpProductLine.Turin);
        v2.ReportedTcb.IsTurinLayout.Should().BeTrue();

        var v3 = SnpReport.Parse(SnpVectors.AwsReportBytes);
        FluentActions.Invoking(() => v3.WithProductLine(SnpProductLine.Genoa)).Should().Throw<AttestationFormatException>();
    }
}
