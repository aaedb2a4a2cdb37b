using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;

namespace Constellation.Cluster.Tests.Variants.TestOnly;

/// <summary>The config readers and writers dispatch to the test-only variant's definition: JSON and YAML round trip through it.</summary>
public class TestOnlyConfigTests
{
    private static readonly TestOnlyConfig Config = new(MeasurementSet.Empty.With(0, new Measurement(Enumerable.Repeat((byte)7, 32).ToArray())), "node \"α\"");

    [Test]
    public void The_join_service_json_round_trips_byte_for_byte_through_the_definition()
    {
        var json = AttestationConfigJson.SerializeToUtf8Bytes(Config);
        var parsed = AttestationConfigJson.Parse(TestOnlyVariant.Instance, json);

        parsed.Should().Be(Config);
        AttestationConfigJson.SerializeToUtf8Bytes(parsed).Should().Equal(json);
        System.Text.Encoding.UTF8.GetString(json).Should().StartWith("{\"measurements\":{\"0\":").And.EndWith(",\"label\":\"node \\\"α\\\"\"}");
    }

    [Test]
    public void The_yaml_section_round_trips_through_a_registry_that_holds_the_variant()
    {
        var yaml = AttestationConfigYaml.SerializeSection(Config);
        var parsed = AttestationConfigYaml.ParseSection(yaml, TestOnlyVariant.Registry);

        yaml.Should().StartWith("testOnly:\n  measurements:\n");
        parsed.Should().Be(Config);
        AttestationConfigYaml.SerializeSection(parsed).Should().Be(yaml);
    }

    [Test]
    public void Its_fields_are_read_as_strictly_as_the_librarys_variants()
    {
        var extra = () => AttestationConfigJson.Parse(TestOnlyVariant.Instance, "{\"measurements\":{},\"label\":\"x\",\"snpVersion\":1}"u8);
        var missing = () => AttestationConfigJson.Parse(TestOnlyVariant.Instance, "{\"measurements\":{}}"u8);

        extra.Should().Throw<AttestationFormatException>().WithMessage("testOnly: unknown field \"snpVersion\" (known: measurements, label)");
        missing.Should().Throw<AttestationFormatException>().WithMessage("testOnly.label: required field is missing");
    }

    [Test]
    public void The_default_registry_does_not_know_it()
    {
        var yaml = AttestationConfigYaml.SerializeSection(Config);

        var act = () => AttestationConfigYaml.ParseSection(yaml);

        act.Should().Throw<AttestationFormatException>().WithMessage("attestation: unknown variant key \"testOnly\"*");
        AttestationVariantRegistry.Default.TryGet(TestOnlyVariant.Instance.Variant, out _).Should().BeFalse();
        TestOnlyVariant.Registry.Parse("1.3.9900.99.1").Should().BeSameAs(TestOnlyVariant.Instance);
    }
}
