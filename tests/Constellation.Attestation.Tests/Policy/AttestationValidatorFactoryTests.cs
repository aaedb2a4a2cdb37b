using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Attestation.Tests.Policy;

public class AttestationValidatorFactoryTests
{
    [Test]
    public void A_variant_without_a_builder_is_refused_naming_the_registered_ones()
    {
        var factory = AttestationValidatorFactory.CreateDefault().Register(AttestationVariant.AwsNitroTpm, c => new PolicyTestValidator(c));

        var act = () => factory.Create(AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm));

        act.Should().Throw<InvalidOperationException>().WithMessage("no validator is registered for attestation variant qemu-vtpm; registered: aws-nitro-tpm");
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
