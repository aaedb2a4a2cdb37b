using Constellation.Attestation.Config;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Tests.Config;

public class AttestationConfigParsingTests
{
    private const string Pcr = "0000000000000000000000000000000000000000000000000000000000000000";

    private static string SnpJson(string bootloader = "\"latest\"", string extra = "") =>
        $"{{\"measurements\":{{\"15\":{{\"expected\":\"{Pcr}\",\"warnOnly\":false}}}},\"bootloaderVersion\":{bootloader},\"teeVersion\":0,\"snpVersion\":\"LATEST\",\"microcodeVersion\":209,\"amdRootKey\":\"\",\"amdSigningKey\":\"\"{extra}}}";

    [Test]
    public void Latest_is_read_case_insensitively_and_numbers_are_kept()
    {
        var config = (SevSnpAttestationConfig)AttestationConfigJson.Parse(AttestationVariant.AwsSevSnp, SnpJson());

        config.BootloaderVersion.IsLatest.Should().BeTrue();
        config.SnpVersion.IsLatest.Should().BeTrue();
        config.TeeVersion.Should().Be(AttestationVersion.FromValue(0));
        config.MicrocodeVersion.Should().Be(AttestationVersion.FromValue(209));
        config.AmdRootKey.Should().BeNull();
    }

    [Test]
    public void An_snp_version_above_255_is_rejected_naming_the_field()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.GcpSevSnp, SnpJson("256"));

        act.Should().Throw<AttestationFormatException>().WithMessage("gcpSEVSNP.bootloaderVersion: expected a number 0..255 or \"latest\", got the number 256");
    }

    [Test]
    public void A_version_given_as_another_string_is_rejected()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.AwsSevSnp, SnpJson("\"newest\""));

        act.Should().Throw<AttestationFormatException>().WithMessage("*bootloaderVersion*newest*");
    }

    [Test]
    public void A_config_of_another_variant_is_rejected_because_of_its_unknown_fields()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, SnpJson());

        act.Should().Throw<AttestationFormatException>().WithMessage("qemuVTPM: unknown fields *bootloaderVersion*");
    }

    [Test]
    public void A_missing_required_field_is_named()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.AwsSevSnp, $"{{\"measurements\":{{}}}}");

        act.Should().Throw<AttestationFormatException>().WithMessage("awsSEVSNP.bootloaderVersion: required field is missing");
    }

    [Test]
    public void A_vtpm_config_without_measurements_is_rejected_rather_than_checking_nothing()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, "{}");

        act.Should().Throw<AttestationFormatException>().WithMessage("qemuVTPM.measurements: required field is missing");
    }

    [Test]
    public void A_48_byte_measurement_in_a_vtpm_config_is_rejected()
    {
        var json = $"{{\"measurements\":{{\"4\":{{\"expected\":\"{new string('a', 96)}\",\"warnOnly\":false}}}}}}";

        var act = () => AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, json);

        act.Should().Throw<AttestationFormatException>().WithMessage("*expected 32-byte values for qemu-vtpm, got 48-byte values*");
    }

    [Test]
    public void A_truncated_measurement_is_rejected_naming_its_index()
    {
        var json = $"{{\"measurements\":{{\"4\":{{\"expected\":\"{new string('a', 62)}\",\"warnOnly\":false}}}}}}";

        var act = () => AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, json);

        act.Should().Throw<AttestationFormatException>().WithMessage("qemuVTPM.measurements: measurements: index 4: *got 31*");
    }

    [Test]
    public void Json_field_names_match_case_insensitively_like_go()
    {
        var config = AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, $"{{\"Measurements\":{{\"4\":\"{Pcr}\"}}}}");

        config.Measurements[4].WarnOnly.Should().BeFalse();
    }

    [Test]
    public void A_duplicate_field_is_rejected()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, $"{{\"measurements\":{{}},\"measurements\":{{}}}}");

        act.Should().Throw<AttestationFormatException>().WithMessage("qemuVTPM.measurements: field appears more than once");
    }

    [Test]
    public void Trailing_data_after_the_json_is_rejected()
    {
        var act = () => AttestationConfigJson.Parse(AttestationVariant.QemuVtpm, """{"measurements":{}} {}""");

        act.Should().Throw<AttestationFormatException>().WithMessage("qemuVTPM: not valid JSON*");
    }

    [Test]
    public void Firmware_signer_config_accepts_the_legacy_forms()
    {
        var digest = new string('a', 96);
        var json = SnpJson(extra: $",\"firmwareSignerConfig\":{{\"acceptedKeyDigests\":\"{digest}\",\"enforcementPolicy\":true}}");

        var config = (SevSnpAttestationConfig)AttestationConfigJson.Parse(AttestationVariant.AzureSevSnp, json);

        config.FirmwareSignerConfig!.AcceptedKeyDigests.Should().ContainSingle().Which.Should().Equal(Convert.FromHexString(digest));
        config.FirmwareSignerConfig.EnforcementPolicy.Should().Be(EnforcementPolicy.Equal);
    }

    [TestCase("maaFallback", EnforcementPolicy.MaaFallback)]
    [TestCase("WARNONLY", EnforcementPolicy.WarnOnly)]
    [TestCase("equal", EnforcementPolicy.Equal)]
    public void The_enforcement_policy_is_read_case_insensitively(string text, EnforcementPolicy expected)
    {
        var json = SnpJson(extra: $",\"firmwareSignerConfig\":{{\"acceptedKeyDigests\":[],\"enforcementPolicy\":\"{text}\"}}");

        var config = (SevSnpAttestationConfig)AttestationConfigJson.Parse(AttestationVariant.AzureSevSnp, json);

        config.FirmwareSignerConfig!.EnforcementPolicy.Should().Be(expected);
    }

    [Test]
    public void A_firmware_signer_digest_of_the_wrong_length_is_rejected()
    {
        var json = SnpJson(extra: $",\"firmwareSignerConfig\":{{\"acceptedKeyDigests\":[\"{new string('a', 94)}\"]}}");

        var act = () => AttestationConfigJson.Parse(AttestationVariant.AzureSevSnp, json);

        act.Should().Throw<AttestationFormatException>().WithMessage("azureSEVSNP.firmwareSignerConfig.acceptedKeyDigests[0]: expected 96 hex digits, got 94");
    }

    [Test]
    public void A_certificate_field_must_hold_a_pem_certificate()
    {
        var json = SnpJson().Replace("\"amdRootKey\":\"\"", "\"amdRootKey\":\"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n\"", StringComparison.Ordinal);

        var act = () => AttestationConfigJson.Parse(AttestationVariant.AwsSevSnp, json);

        act.Should().Throw<AttestationFormatException>().WithMessage("awsSEVSNP.amdRootKey: expected a PEM block of type CERTIFICATE, got \"PUBLIC KEY\"");
    }

    [Test]
    public void The_real_ark_is_accepted_as_amd_root_key()
    {
        var pem = File.ReadAllText(Constellation.Tests.TestData.Evidence("snp/ark-milan.pem"));
        var json = SnpJson().Replace("\"amdRootKey\":\"\"", $"\"amdRootKey\":{System.Text.Json.JsonSerializer.Serialize(pem)}", StringComparison.Ordinal);

        var config = (SevSnpAttestationConfig)AttestationConfigJson.Parse(AttestationVariant.AwsSevSnp, json);

        using var certificate = config.AmdRootKey!.ToX509Certificate();
        certificate.Subject.Should().Contain("CN=ARK-Milan");
        config.AmdRootKey.Should().Be(PemCertificate.Parse("x", BuiltInRoots.AmdArkMilanPem));
    }

    [Test]
    public void Yaml_reads_the_spec_example_shape()
    {
        var yaml = $"""
            azureSEVSNP:
              measurements:
                4: {"{"}expected: "{new string('1', 64)}", warnOnly: false{"}"}
                15: {"{"}expected: "{Pcr}", warnOnly: true{"}"}
              bootloaderVersion: latest
              teeVersion: 2
              snpVersion: latest
              microcodeVersion: latest
              firmwareSignerConfig:
                acceptedKeyDigests: ["{new string('a', 96)}"]
                enforcementPolicy: maaFallback
              amdRootKey: ""
            """;

        var config = (SevSnpAttestationConfig)AttestationConfigYaml.ParseSection(yaml);

        config.Variant.Should().Be(AttestationVariant.AzureSevSnp);
        config.Measurements[15].WarnOnly.Should().BeTrue();
        config.TeeVersion.Value.Should().Be(2);
        config.FirmwareSignerConfig!.EnforcementPolicy.Should().Be(EnforcementPolicy.MaaFallback);
    }

    [Test]
    public void Yaml_field_names_are_case_sensitive()
    {
        var act = () => AttestationConfigYaml.ParseSection("qemuVTPM:\n  Measurements: {}\n");

        act.Should().Throw<AttestationFormatException>().WithMessage("attestation.qemuVTPM.measurements: required field is missing");
    }

    [Test]
    public void A_yaml_section_with_two_variants_is_rejected()
    {
        var act = () => AttestationConfigYaml.ParseSection("qemuVTPM:\n  measurements: {}\ngcpSEVES:\n  measurements: {}\n");

        act.Should().Throw<AttestationFormatException>().WithMessage("attestation: expected exactly one variant key*");
    }

    [Test]
    public void An_unknown_yaml_variant_key_lists_the_known_keys()
    {
        var act = () => AttestationConfigYaml.ParseSection("qemuTPM:\n  measurements: {}\n");

        act.Should().Throw<AttestationFormatException>().WithMessage("attestation: unknown variant key \"qemuTPM\" (known: *qemuVTPM*");
    }

    [Test]
    public void Unquoted_all_digit_hex_in_yaml_stays_hex()
    {
        var yaml = "azureTDX:\n  measurements: {}\n  qeSVN: 0\n  pceSVN: latest\n  teeTCBSVN: latest\n  qeVendorID: latest\n  xfam: 0000000000000001\n  intelRootKey: \"\"\n";

        var config = (AzureTdxAttestationConfig)AttestationConfigYaml.ParseSection(yaml);

        config.Xfam.Value.Should().Equal(0, 0, 0, 0, 0, 0, 0, 1);
        config.QeSvn.Should().Be(AttestationVersion.FromValue(0));
    }
}
