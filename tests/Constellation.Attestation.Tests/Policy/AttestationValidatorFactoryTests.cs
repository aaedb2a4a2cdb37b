using Constellation.Attestation.Config;
using Constellation.Attestation.Dummy;
using Constellation.Attestation.Policy;

namespace Constellation.Attestation.Tests.Policy;

public class AttestationValidatorFactoryTests
{
    [Test]
    public async Task The_default_factory_builds_the_dummy_validator()
    {
        var factory = AttestationValidatorFactory.CreateDefault();

        var validator = factory.Create(new MeasurementsAttestationConfig(AttestationVariant.Dummy, MeasurementSet.Empty));

        validator.Should().BeOfType<DummyValidator>();
        var document = await new DummyIssuer().IssueAsync(new byte[] { 1 }, new byte[] { 2 });
        (await validator.ValidateAsync(document, new byte[] { 2 })).UserData.ToArray().Should().Equal(1);
    }

    [Test]
    public void A_variant_without_a_builder_is_refused_naming_the_registered_ones()
    {
        var factory = AttestationValidatorFactory.CreateDefault();

        var act = () => factory.Create(AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm));

        act.Should().Throw<InvalidOperationException>().WithMessage("no validator is registered for attestation variant qemu-vtpm; registered: dummy");
    }

    [Test]
    public void Registrations_belong_to_one_factory_instance()
    {
        var withVtpm = AttestationValidatorFactory.CreateDefault().Register(AttestationVariant.QemuVtpm, c => new PolicyTestValidator(c));
        var plain = AttestationValidatorFactory.CreateDefault();

        withVtpm.IsRegistered(AttestationVariant.QemuVtpm).Should().BeTrue();
        plain.IsRegistered(AttestationVariant.QemuVtpm).Should().BeFalse();
    }

    [Test]
    public void A_builder_that_returns_a_validator_of_another_variant_is_caught()
    {
        var factory = new AttestationValidatorFactory().Register(AttestationVariant.QemuVtpm, _ => new DummyValidator());

        var act = () => factory.Create(AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm));

        act.Should().Throw<InvalidOperationException>().WithMessage("the validator builder for qemu-vtpm returned a validator for dummy");
    }
}
