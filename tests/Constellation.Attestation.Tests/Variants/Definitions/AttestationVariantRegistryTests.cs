using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.QemuVtpm;

namespace Constellation.Attestation.Tests.Variants.Definitions;

/// <summary>
/// One registry lists the variants; <see cref="AttestationVariant"/>'s list and lookups are that list, and a variant the
/// registry does not hold is refused everywhere, never handled as if it were some other (vTPM) variant.
/// </summary>
public class AttestationVariantRegistryTests
{
    // Looks like a vTPM variant in every field; only the registry can say it is not one of the library's.
    private static readonly AttestationVariant Stranger = new("stranger-vtpm", "1.3.9900.99.42", EvidenceFamily.Vtpm, CloudProvider.Qemu, "strangerVTPM");

    [Test]
    public void The_variant_list_of_AttestationVariant_is_the_default_registry()
    {
        AttestationVariant.All.Should().Equal(AttestationVariantRegistry.Default.Definitions.Select(d => d.Variant));
        foreach (var definition in AttestationVariantRegistry.Default.Definitions)
        {
            AttestationVariant.Parse(definition.Variant.Name).Should().BeSameAs(definition.Variant);
            AttestationVariantRegistry.Default.Get(definition.Variant).Should().BeSameAs(definition);
            AttestationVariantRegistry.Default.FromConfigKey(definition.Variant.ConfigKey).Should().BeSameAs(definition);
        }
    }

    [Test]
    public void A_variant_the_registry_does_not_hold_gets_no_config_and_no_fallback()
    {
        var measurements = AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm).DefaultMeasurements;

        var construct = () => new MeasurementsAttestationConfig(Stranger, measurements);
        var parse = () => AttestationConfigJson.Parse(Stranger, "{\"measurements\":{}}");
        var defaults = () => AttestationConfig.CreateDefault(Stranger);
        var lookup = () => AttestationVariantRegistry.Default.Get(Stranger);

        foreach (var act in new Func<object>[] { construct, parse, defaults, lookup })
        {
            act.Should().Throw<UnknownVariantException>().Which.Requested.Should().Be("stranger-vtpm");
        }
    }

    [Test]
    public void An_unknown_config_key_is_refused_naming_the_keys_the_registry_knows()
    {
        var registry = new AttestationVariantRegistry([QemuVtpmVariant.Instance]);

        var act = () => AttestationConfigYaml.ParseSection("azureSEVSNP:\n  measurements: {}\n", registry);

        act.Should().Throw<AttestationFormatException>().WithMessage("attestation: unknown variant key \"azureSEVSNP\" (known: qemuVTPM)");
    }

    [Test]
    public void An_unknown_name_is_refused_listing_the_variants_of_that_registry()
    {
        var registry = new AttestationVariantRegistry([QemuVtpmVariant.Instance]);

        var act = () => registry.Parse("dummy");

        var error = act.Should().Throw<UnknownVariantException>().Which;
        error.Known.Should().Equal(AttestationVariant.QemuVtpm);
        error.Message.Should().Be("unknown attestation variant \"dummy\"; known variants: qemu-vtpm (1.3.9900.5.1)");
    }

    [Test]
    public void A_registry_refuses_two_definitions_of_one_variant()
    {
        var act = () => new AttestationVariantRegistry([QemuVtpmVariant.Instance, QemuVtpmVariant.Instance]);

        act.Should().Throw<ArgumentException>().WithMessage("variant qemu-vtpm (1.3.9900.5.1, config key qemuVTPM): another variant has the same name, OID or config key*");
    }

    [Test]
    public void A_registry_refuses_two_defaults_for_one_provider()
    {
        var act = () => new AttestationVariantRegistry([QemuVtpmVariant.Instance, new Rank0Qemu()]);

        act.Should().Throw<ArgumentException>().WithMessage("provider QEMU: qemu-vtpm and rank0-qemu have the same rank 0*");
    }

    [Test]
    public void Config_json_and_yaml_of_every_default_config_round_trip_through_the_definition()
    {
        foreach (var definition in AttestationVariantRegistry.Default.Definitions)
        {
            var config = definition.CreateDefaultConfig();
            var json = AttestationConfigJson.SerializeToUtf8Bytes(config);
            var yaml = AttestationConfigYaml.SerializeSection(config);

            AttestationConfigJson.Parse(definition, json).Should().Be(config, definition.Variant.Name);
            AttestationConfigJson.SerializeToUtf8Bytes(AttestationConfigJson.Parse(definition, json)).Should().Equal(json);
            AttestationConfigYaml.ParseSection(yaml).Should().Be(config, definition.Variant.Name);
            AttestationConfigYaml.SerializeSection(AttestationConfigYaml.ParseSection(yaml)).Should().Be(yaml);
            config.Definition.Should().BeSameAs(definition);
        }
    }

    [Test]
    public void Every_default_measurement_has_the_length_of_its_variant()
    {
        foreach (var definition in AttestationVariantRegistry.Default.Definitions.Where(d => d.MeasurementLength != 0))
        {
            definition.DefaultMeasurements.Values.Should().OnlyContain(m => m.Expected.Length == definition.MeasurementLength, definition.Variant.Name);
        }
    }

    private sealed class Rank0Qemu() : AttestationVariantDefinition(new AttestationVariant("rank0-qemu", "1.3.9900.99.43", EvidenceFamily.Vtpm, CloudProvider.Qemu, "rank0Qemu"))
    {

        public override int MeasurementLength => 32;

        public override uint? ClusterIdRegister => 15;

        public override MeasurementSet DefaultMeasurements => MeasurementSet.Empty;

        public override VariantCapability GetValidatorCapability(VariantServices services) => VariantCapability.Unavailable("test");

        public override VariantCapability GetIssuerCapability(VariantIssuerServices services) => VariantCapability.Unavailable("test");

        protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) => throw new NotSupportedException();
    }
}
