using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Tests.Policy;

public class UpdateableValidatorVariantChangeTests
{
    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("policy-").FullName;
        _path = Path.Combine(_dir, "attestation.yaml");
        File.WriteAllText(_path, AttestationConfigYaml.SerializeSection(PolicyFixtures.Config(0xaa)));
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task An_upgrade_to_another_variant_is_applied_when_variant_changes_are_allowed()
    {
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Yaml, variant: null);
        var options = PolicyFixtures.FastOptions(watch: false);
        options.AllowVariantChange = true;
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), options);
        validator.Variant.Should().Be(AttestationVariant.Dummy);

        File.WriteAllText(_path, AttestationConfigYaml.SerializeSection(PolicyFixtures.Config(0xbb, AttestationVariant.QemuVtpm)));
        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Applied);
        validator.Variant.Should().Be(AttestationVariant.QemuVtpm);
        (await validator.ValidateAsync(PolicyFixtures.DocumentFor(0xbb), new byte[] { 1 })).Variant.Should().Be(AttestationVariant.QemuVtpm);
    }

    [Test]
    public async Task Another_variant_is_a_bad_update_unless_variant_changes_are_allowed()
    {
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Yaml, variant: null);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false));

        File.WriteAllText(_path, AttestationConfigYaml.SerializeSection(PolicyFixtures.Config(0xbb, AttestationVariant.QemuVtpm)));
        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Failed);
        result.Error!.Message.Should().Contain("wrong variant: expected dummy, got qemu-vtpm");
        validator.Variant.Should().Be(AttestationVariant.Dummy);
    }

    [Test]
    public async Task A_variant_whose_validator_cannot_be_built_here_is_a_bad_update()
    {
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Yaml, variant: null);
        var options = PolicyFixtures.FastOptions(watch: false);
        options.AllowVariantChange = true;
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), options);

        File.WriteAllText(_path, AttestationConfigYaml.SerializeSection(AttestationConfig.CreateDefault(AttestationVariant.GcpSevEs)));
        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Failed);
        // gcp-sev-es needs a GCE client the factory does not have.
        result.Error.Should().BeOfType<VariantUnavailableException>().Which.Message.Should().Contain("gcp-sev-es");
        validator.Variant.Should().Be(AttestationVariant.Dummy);
    }

    [Test]
    public async Task A_whole_constellation_config_file_can_be_the_policy_source()
    {
        File.WriteAllText(_path, ConstellationConfigFile.Generate(CloudProvider.Qemu));
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Yaml, AttestationVariant.QemuVtpm);

        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false));

        validator.Current.Config.Should().Be(AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm));
    }
}
