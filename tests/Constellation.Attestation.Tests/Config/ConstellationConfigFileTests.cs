using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Tests.Config;

public class ConstellationConfigFileTests
{
    private static IEnumerable<TestCaseData> ProviderVariants =>
        new[] { CloudProvider.Aws, CloudProvider.Azure, CloudProvider.Gcp, CloudProvider.Qemu, CloudProvider.OpenStack }
            .SelectMany(p => p.AllowedVariants().Select(v => new TestCaseData(p, v)));

    [TestCaseSource(nameof(ProviderVariants))]
    public void A_generated_config_parses_back_with_the_default_measurements(CloudProvider provider, AttestationVariant variant)
    {
        var yaml = ConstellationConfigFile.Generate(provider, variant);

        var config = ConstellationConfigFile.Parse(yaml);

        config.Provider.Should().Be(provider);
        config.Image.Should().Be(ConstellationConfigFile.DefaultImage);
        config.Attestation.Should().Be(AttestationConfig.CreateDefault(variant));
        config.Attestation.Measurements.Should().BeEquivalentTo(AttestationVariantRegistry.Default.Get(variant).DefaultMeasurements);
        yaml.Should().StartWith("version: v4").And.Contain("nodeGroups:\n  control_plane_default:\n    role: control-plane\n")
            .And.Contain($"attestation:\n  {variant.ConfigKey}:\n    measurements:\n      4:\n        expected: \"1234");
    }

    [Test]
    public void Generate_refuses_a_variant_the_provider_does_not_allow()
    {
        var act = () => ConstellationConfigFile.Generate(CloudProvider.Aws, AttestationVariant.GcpSevSnp);

        act.Should().Throw<ArgumentException>().WithMessage("variant gcp-sev-snp is not allowed for provider AWS (allowed: aws-sev-snp, aws-nitro-tpm)*");
    }

    [Test]
    public void Replacing_measurements_changes_only_the_measurements_block()
    {
        var yaml = ConstellationConfigFile.Generate(CloudProvider.Aws, AttestationVariant.AwsSevSnp)
            .Replace("name: base", "name: base # keep this comment", StringComparison.Ordinal) + "# trailing comment\n";
        var fresh = new MeasurementSet([new(4, Measurement.FromHex(new string('f', 64))), new(9, Measurement.FromHex(new string('e', 64), warnOnly: true))]);

        var updated = ConstellationConfigFile.WithMeasurements(yaml, fresh);

        var parsed = ConstellationConfigFile.Parse(updated);
        parsed.Attestation.Measurements.Should().BeEquivalentTo(fresh);
        parsed.Attestation.Should().Be(ConstellationConfigFile.Parse(yaml).Attestation.WithMeasurements(fresh));
        var start = yaml.IndexOf("    measurements:", StringComparison.Ordinal);
        var end = yaml.IndexOf("    bootloaderVersion:", StringComparison.Ordinal);
        updated[..start].Should().Be(yaml[..start]);
        updated[updated.IndexOf("    bootloaderVersion:", StringComparison.Ordinal)..].Should().Be(yaml[end..]);
    }

    [Test]
    public void Replacing_a_flow_style_measurements_value_works()
    {
        var yaml = "version: v4\nimage: v2.23.0\nprovider:\n  qemu: {}\nattestation:\n  qemuVTPM:\n    measurements: {}\n";
        var fresh = AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm).DefaultMeasurements;

        var updated = ConstellationConfigFile.WithMeasurements(yaml, fresh);

        ConstellationConfigFile.Parse(updated).Attestation.Measurements.Should().BeEquivalentTo(fresh);
    }

    [Test]
    public void A_config_of_another_schema_version_is_rejected()
    {
        var yaml = ConstellationConfigFile.Generate(CloudProvider.Qemu).Replace("version: v4", "version: v3", StringComparison.Ordinal);

        var act = () => ConstellationConfigFile.Parse(yaml);

        act.Should().Throw<AttestationFormatException>().WithMessage("config.version: expected \"v4\", got \"v3\"");
    }

    [Test]
    public void A_variant_that_does_not_belong_to_the_provider_is_rejected()
    {
        var yaml = ConstellationConfigFile.Generate(CloudProvider.Qemu).Replace("  qemu:\n", "  gcp:\n", StringComparison.Ordinal);

        var act = () => ConstellationConfigFile.Parse(yaml);

        act.Should().Throw<AttestationFormatException>().WithMessage("attestation: variant qemu-vtpm is not allowed for provider GCP*");
    }
}
