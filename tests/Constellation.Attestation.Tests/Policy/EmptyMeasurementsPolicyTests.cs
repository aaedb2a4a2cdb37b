using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Tests.Policy;

/// <summary>
/// <c>{"measurements":{}}</c> would build a validator that compares nothing. The factory, and so every policy file and
/// reload, refuses it naming the field (and the file), unless the host opts in with
/// <see cref="AttestationValidatorFactory.AllowEmptyMeasurements"/>; then the policy is applied with a logged warning.
/// </summary>
public class EmptyMeasurementsPolicyTests
{
    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("policy-").FullName;
        _path = Path.Combine(_dir, "attestationConfig");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> MeasuredVariants() =>
        AttestationVariant.All.Where(v => v != AttestationVariant.Dummy).Select(v => new TestCaseData(v).SetArgDisplayNames(v.Name));

    [TestCaseSource(nameof(MeasuredVariants))]
    public void The_factory_refuses_a_config_without_measurements_naming_the_field(AttestationVariant variant)
    {
        var factory = FactoryForEveryVariant(new AttestationValidatorFactory());
        var config = AttestationConfig.CreateDefault(variant).WithMeasurements(MeasurementSet.Empty);

        var act = () => factory.Create(config);

        var thrown = act.Should().Throw<EmptyMeasurementsException>().Which;
        thrown.Field.Should().Be($"{variant.ConfigKey}.measurements");
        thrown.Message.Should().StartWith($"{variant.ConfigKey}.measurements: expected at least one measurement").And.Contain(nameof(AttestationValidatorFactory.AllowEmptyMeasurements));
    }

    [Test]
    public void A_factory_that_allows_empty_measurements_hands_its_builders_the_named_empty_set()
    {
        AttestationConfig? seen = null;
        var factory = new AttestationValidatorFactory { AllowEmptyMeasurements = true }
            .Register(AttestationVariant.QemuVtpm, c => new PolicyTestValidator(seen = c));

        factory.Create(new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, MeasurementSet.Empty));

        seen!.Measurements.Should().BeSameAs(MeasurementSet.EmptyAllowed);
        new AttestationValidatorFactory { AllowEmptyMeasurements = true }
            .Create(new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, MeasurementSet.Empty)).Should().BeOfType<VtpmValidator>();
    }

    [Test]
    public void Dummy_needs_no_measurements()
    {
        var factory = AttestationValidatorFactory.CreateDefault().RegisterDummy();

        factory.Create(new MeasurementsAttestationConfig(AttestationVariant.Dummy, MeasurementSet.Empty)).Variant.Should().Be(AttestationVariant.Dummy);
    }

    [TestCase(PolicyFileFormat.Json, "{\"measurements\":{}}")]
    [TestCase(PolicyFileFormat.Yaml, "qemuVTPM:\n  measurements: {}\n")]
    public async Task A_policy_file_without_measurements_is_refused_at_start_naming_the_file_and_the_field(PolicyFileFormat format, string content)
    {
        await File.WriteAllTextAsync(_path, content);
        var source = new FileAttestationPolicySource(_path, format, AttestationVariant.QemuVtpm);

        var act = () => UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false));

        var thrown = (await act.Should().ThrowAsync<EmptyMeasurementsException>()).Which;
        thrown.Field.Should().Be($"policy from {_path}: qemuVTPM.measurements");
        thrown.Message.Should().Contain(_path).And.Contain("at least one measurement");
    }

    [Test]
    public async Task A_reload_to_a_policy_without_measurements_keeps_the_previous_policy()
    {
        await File.WriteAllTextAsync(_path, AttestationConfigJson.Serialize(PolicyFixtures.Config(0xaa, AttestationVariant.QemuVtpm)));
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Json, AttestationVariant.QemuVtpm);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false));

        await File.WriteAllTextAsync(_path, "{\"measurements\":{}}");
        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Failed);
        result.Error.Should().BeOfType<EmptyMeasurementsException>().Which.Message.Should().Contain(_path);
        validator.Current.Config.Measurements.Should().Equal(PolicyFixtures.Measurements(0xaa));
    }

    [Test]
    public async Task A_policy_without_measurements_is_applied_with_a_logged_warning_when_the_factory_allows_it()
    {
        await File.WriteAllTextAsync(_path, "{\"measurements\":{}}");
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Json, AttestationVariant.QemuVtpm);
        var logger = new ListLogger();
        var factory = new AttestationValidatorFactory { AllowEmptyMeasurements = true }.Register(AttestationVariant.QemuVtpm, c => new PolicyTestValidator(c));

        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, factory, PolicyFixtures.FastOptions(watch: false), logger);

        validator.Current.Config.Measurements.Count.Should().Be(0);
        logger.Warnings.Should().ContainSingle().Which.Should().Contain(_path).And.Contain("qemu-vtpm").And.Contain("no measurement");
    }

    private static AttestationValidatorFactory FactoryForEveryVariant(AttestationValidatorFactory factory)
    {
        foreach (var variant in AttestationVariant.All)
        {
            factory.Register(variant, c => new PolicyTestValidator(c));
        }

        return factory;
    }
}
