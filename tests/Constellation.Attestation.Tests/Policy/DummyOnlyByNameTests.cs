using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Attestation.Tests.Policy;

/// <summary>
/// <c>dummy</c> accepts every document. A factory builds it only when the host asks for it by name, so no config,
/// policy file or reload can select it behind the host's back.
/// </summary>
public class DummyOnlyByNameTests
{
    private static readonly AttestationConfig DummyConfig = new MeasurementsAttestationConfig(AttestationVariant.Dummy, MeasurementSet.Empty);

    [Test]
    public void The_default_factory_refuses_dummy_and_says_how_to_ask_for_it()
    {
        var factory = AttestationValidatorFactory.CreateDefault();

        var act = () => factory.Create(DummyConfig);

        factory.CanCreate(AttestationVariant.Dummy).Should().BeFalse();
        act.Should().Throw<InvalidOperationException>()
            .WithMessage("no validator is registered for attestation variant dummy; dummy accepts every document and is built only when asked for by name (RegisterDummy)*");
    }

    [Test]
    public async Task Dummy_is_built_when_asked_for_by_name()
    {
        var factory = AttestationValidatorFactory.CreateDefault().RegisterDummy();

        var validator = factory.Create(DummyConfig);

        validator.Should().BeOfType<DummyValidator>();
        var document = await new DummyIssuer().IssueAsync(new byte[] { 1 }, new byte[] { 2 });
        (await validator.ValidateAsync(document, new byte[] { 2 })).UserData.ToArray().Should().Equal(1);
    }

    [Test]
    public async Task A_policy_update_to_dummy_is_refused_when_the_host_did_not_ask_for_dummy()
    {
        var dir = Directory.CreateTempSubdirectory("policy-").FullName;
        try
        {
            var path = Path.Combine(dir, "attestation.yaml");
            await File.WriteAllTextAsync(path, AttestationConfigYaml.SerializeSection(PolicyFixtures.Config(0xaa, AttestationVariant.QemuVtpm)));
            var factory = AttestationValidatorFactory.CreateDefault().Register(AttestationVariant.QemuVtpm, c => new PolicyTestValidator(c));
            var options = PolicyFixtures.FastOptions(watch: false);
            options.AllowVariantChange = true;
            await using var validator = await UpdateableAttestationValidator.CreateAsync(new FileAttestationPolicySource(path, PolicyFileFormat.Yaml, variant: null), factory, options);

            await File.WriteAllTextAsync(path, AttestationConfigYaml.SerializeSection(DummyConfig));
            var result = await validator.ReloadAsync();

            result.Outcome.Should().Be(PolicyReloadOutcome.Failed);
            result.Error!.Message.Should().Contain("dummy");
            validator.Variant.Should().Be(AttestationVariant.QemuVtpm);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
