using System.Text;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureTdx;

namespace Constellation.Attestation.Tests.Config;

public class AttestationConfigRoundTripTests
{
    private static IEnumerable<AttestationVariant> Variants => AttestationVariant.All;

    [TestCaseSource(nameof(Variants))]
    public void The_default_config_of_every_variant_survives_a_json_round_trip(AttestationVariant variant)
    {
        var config = AttestationConfig.CreateDefault(variant);

        var json = AttestationConfigJson.Serialize(config);
        var parsed = AttestationConfigJson.Parse(variant, json);

        parsed.Should().Be(config);
        AttestationConfigJson.Serialize(parsed).Should().Be(json);
    }

    [TestCaseSource(nameof(Variants))]
    public void The_default_config_of_every_variant_survives_a_yaml_round_trip(AttestationVariant variant)
    {
        var config = AttestationConfig.CreateDefault(variant);

        var yaml = AttestationConfigYaml.SerializeSection(config);
        var parsed = AttestationConfigYaml.ParseSection(yaml);

        parsed.Variant.Should().Be(variant);
        parsed.Should().Be(config);
        AttestationConfigYaml.SerializeSection(parsed).Should().Be(yaml);
    }

    [Test]
    public void Json_field_order_and_encodings_follow_constellation()
    {
        var json = AttestationConfigJson.Serialize(AttestationConfig.CreateDefault(AttestationVariant.AzureSevSnp));

        json.Should().StartWith("{\"measurements\":{\"11\":");
        var order = new[] { "\"measurements\"", "\"bootloaderVersion\":\"latest\"", "\"teeVersion\"", "\"snpVersion\"", "\"microcodeVersion\"", "\"firmwareSignerConfig\":{\"acceptedKeyDigests\":[\"0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3\"],\"enforcementPolicy\":\"MAAFallback\"}", "\"amdRootKey\":\"-----BEGIN CERTIFICATE-----\\n", "\"amdSigningKey\":\"\"" };
        order.Select(o => json.IndexOf(o, StringComparison.Ordinal)).Should().BeInAscendingOrder().And.NotContain(-1);
    }

    [Test]
    public void Yaml_omits_an_empty_amd_signing_key_that_json_always_writes()
    {
        var config = AttestationConfig.CreateDefault(AttestationVariant.AwsSevSnp);

        AttestationConfigYaml.SerializeSection(config).Should().NotContain("amdSigningKey");
        AttestationConfigJson.Serialize(config).Should().Contain("\"amdSigningKey\":\"\"");
    }

    [Test]
    public void A_dummy_config_without_measurements_is_an_empty_json_object()
    {
        var config = new MeasurementsAttestationConfig(AttestationVariant.Dummy, MeasurementSet.Empty);

        AttestationConfigJson.Serialize(config).Should().Be("{}");
        AttestationConfigJson.Parse(AttestationVariant.Dummy, "{}").Should().Be(config);
    }

    [Test]
    public void An_azure_tdx_config_keeps_fixed_values_and_omits_an_empty_mr_seam()
    {
        var config = new AzureTdxAttestationConfig(
            DefaultMeasurements(),
            AttestationVersion.FromValue(8),
            AttestationVersion.FromValue(13),
            HexAttestationVersion.FromBytes(Convert.FromHexString("03000400000000000000000000000000")),
            HexAttestationVersion.FromBytes(Convert.FromHexString("939a7233f79c4ca9940a0db3957f0607")),
            [],
            HexAttestationVersion.Unset,
            null);

        var json = AttestationConfigJson.Serialize(config);

        json.Should().Contain("\"qeSVN\":8,\"pceSVN\":13,\"teeTCBSVN\":\"03000400000000000000000000000000\",\"qeVendorID\":\"939a7233f79c4ca9940a0db3957f0607\",\"xfam\":\"\",\"intelRootKey\":\"\"");
        json.Should().NotContain("mrSeam");
        AttestationConfigJson.Parse(AttestationVariant.AzureTdx, json).Should().Be(config);
        AttestationConfigYaml.ParseSection(AttestationConfigYaml.SerializeSection(config)).Should().Be(config);
    }

    private static MeasurementSet DefaultMeasurements() =>
        AttestationVariantRegistry.Default.Get(AttestationVariant.AzureTdx).DefaultMeasurements;
}
