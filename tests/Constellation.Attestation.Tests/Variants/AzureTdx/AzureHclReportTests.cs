using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Constellation.Attestation.Variants.Common.Azure;
using Microsoft.IdentityModel.Tokens;

namespace Constellation.Attestation.Tests.Variants.AzureTdx;

public class AzureHclReportTests
{
    private static byte[] RealAkSpki(byte[] runtimeData)
    {
        using var json = JsonDocument.Parse(runtimeData);
        var key = json.RootElement.GetProperty("keys")[0];
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()), Exponent = Base64UrlEncoder.DecodeBytes(key.GetProperty("e").GetString()) });
        return rsa.ExportSubjectPublicKeyInfo();
    }

    [Test]
    public void The_real_Azure_TDX_HCL_report_parses_with_the_fields_the_manifest_and_spec_describe()
    {
        var report = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);

        report.Version.Should().Be(2u);
        report.ReportSize.Should().Be(AzureTdxEvidence.RealReportSize);
        report.RequestType.Should().Be(2u);
        report.Status.Should().Be(0u);
        report.RuntimeClaimsVersion.Should().Be(1u);
        report.ReportType.Should().Be(AzureHclReportType.Tdx);
        report.HashType.Should().Be(1u);
        report.HardwareReport.Length.Should().Be(0x4A0);
        report.RuntimeData.Length.Should().Be(AzureTdxEvidence.RealRuntimeDataSize);
        report.RuntimeData.ToArray().Should().Equal(AzureTdxEvidence.RealHclReport.AsSpan(0x4D4, 1200).ToArray());
        report.GetTdReport().ToArray().Should().Equal(AzureTdxEvidence.RealHclReport.AsSpan(0x20, 1024).ToArray());
        report.GetTdReport().Span[0].Should().Be(0x81, "REPORTMACSTRUCT type byte 0x81 is TDX");
        using var json = JsonDocument.Parse(report.RuntimeData.ToArray());
        json.RootElement.GetProperty("keys")[0].GetProperty("kid").GetString().Should().Be("HCLAkPub");
    }

    [Test]
    public void The_real_runtime_data_hashes_into_the_real_TDREPORT_and_binds_its_HCL_AK()
    {
        var report = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);
        var runtimeData = report.RuntimeData.ToArray();

        var act = () => HclAttestationKeyBinding.Verify(runtimeData, report.GetReportData().Span, "REPORTDATA[0:32]", RealAkSpki(runtimeData));

        act.Should().NotThrow();
        report.GetReportData().Span[32..].ToArray().Should().OnlyContain(b => b == 0);
    }

    [Test]
    public void A_flipped_runtime_data_byte_breaks_the_REPORTDATA_binding()
    {
        var report = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);
        var spki = RealAkSpki(report.RuntimeData.ToArray());
        foreach (var index in new[] { 0, 100, 599, 1199 })
        {
            var runtimeData = report.RuntimeData.ToArray();
            runtimeData[index] ^= 0x01;

            var act = () => HclAttestationKeyBinding.Verify(runtimeData, report.GetReportData().Span, "REPORTDATA[0:32]", spki);

            var error = act.Should().Throw<AttestationBindingException>().Which;
            error.Field.Should().Be("REPORTDATA[0:32]");
            error.Actual.Should().Be(Convert.ToHexStringLower(report.GetReportData().Span[..32]));
        }
    }

    [Test]
    public void Another_AK_than_the_runtime_data_key_is_not_trusted()
    {
        var report = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);
        using var other = RSA.Create(2048);

        var act = () => HclAttestationKeyBinding.Verify(report.RuntimeData, report.GetReportData().Span, "REPORTDATA[0:32]", other.ExportSubjectPublicKeyInfo());

        act.Should().Throw<AttestationTrustException>().WithMessage("*does not match the HCL runtime data key keys[0]*");
    }

    [Test]
    public void An_ECC_AK_cannot_match_the_RSA_runtime_data_key()
    {
        var report = AzureHclReport.Parse(AzureTdxEvidence.RealHclReport);
        using var ecc = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var act = () => HclAttestationKeyBinding.Verify(report.RuntimeData, report.GetReportData().Span, "REPORTDATA[0:32]", ecc.ExportSubjectPublicKeyInfo());

        act.Should().Throw<AttestationTrustException>().WithMessage("*not an RSA key*");
    }

    [TestCase(2u, "2 (Snp)")]
    [TestCase(0u, "0 (Invalid)")]
    [TestCase(3u, "3 (Tvm)")]
    [TestCase(9u, "9")]
    public void A_report_that_is_not_TDX_has_no_TDREPORT_and_says_which_type_it_is(uint type, string described)
    {
        var bytes = AzureTdxEvidence.RealHclReport;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x4C8), type);
        var report = AzureHclReport.Parse(bytes);

        var act = () => report.GetTdReport();

        act.Should().Throw<AttestationFormatException>().WithMessage($"Azure HCL report: report type at 0x4c8 expected 4 (Tdx), got {described}");
    }

    [Test]
    public void A_wrong_signature_is_rejected()
    {
        var bytes = AzureTdxEvidence.RealHclReport;
        bytes[0] = (byte)'X';

        var act = () => AzureHclReport.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("*signature expected \"HCLA\"*");
    }

    [Test]
    public void Every_truncation_of_the_real_report_is_a_format_error()
    {
        var bytes = AzureTdxEvidence.RealHclReport;
        for (var length = 0; length < AzureTdxEvidence.RealReportSize; length++)
        {
            var act = () => AzureHclReport.Parse(bytes.AsSpan(0, length));
            act.Should().Throw<AttestationFormatException>($"{length} bytes cannot hold the {AzureTdxEvidence.RealReportSize}-byte report");
        }

        AzureHclReport.Parse(bytes.AsSpan(0, AzureTdxEvidence.RealReportSize)).ReportSize.Should().Be(AzureTdxEvidence.RealReportSize);
    }

    [TestCase(0x008, "report size at 0x008")]
    [TestCase(0x4C0, "runtime-claims size at 0x4c0")]
    [TestCase(0x4D0, "runtime-claims size at 0x4c0")]
    public void Size_fields_that_disagree_are_rejected_naming_the_field(int offset, string named)
    {
        var bytes = AzureTdxEvidence.RealHclReport;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) - 1);

        var act = () => AzureHclReport.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage($"*{named}*");
    }

    [Test]
    public void A_runtime_data_size_past_the_end_is_rejected()
    {
        var bytes = AzureTdxEvidence.RealHclReport;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x4D0), uint.MaxValue - 4);

        var act = () => AzureHclReport.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("*runtime data size 4294967291 at 0x4d0 runs past the end*");
    }

    [Test]
    public void Non_zero_bytes_in_the_NV_padding_are_rejected()
    {
        var bytes = AzureTdxEvidence.RealHclReport;
        bytes[^1] = 0x01;

        var act = () => AzureHclReport.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("*164 bytes follow the 2436-byte report and must be zero padding; byte at offset 2599 is 0x01*");
    }

    [Test]
    public void A_self_made_report_round_trips_through_the_parser()
    {
        using var ak = RSA.Create(2048);
        var runtimeData = AzureTdxEvidence.RuntimeData(ak);

        var report = AzureHclReport.Parse(AzureTdxEvidence.HclReport(runtimeData, padding: 100));

        report.RuntimeData.ToArray().Should().Equal(runtimeData);
        report.GetReportData().ToArray().Should().Equal(AzureTdxEvidence.ReportData(runtimeData));
        HclAttestationKeyBinding.Verify(report.RuntimeData, report.GetReportData().Span, "REPORTDATA[0:32]", ak.ExportSubjectPublicKeyInfo());
    }
}
