using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Attestation.Tests.Policy;

public class AttestationValidatorFactoryTests
{
    [Test]
    public void A_variant_outside_the_factorys_registry_is_refused_naming_the_ones_it_knows()
    {
        var factory = new AttestationValidatorFactory(new AttestationVariantRegistry([AwsNitroTpmVariant.Instance]), VariantServices.None);

        var act = () => factory.Create(AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm));

        act.Should().Throw<UnknownVariantException>().WithMessage("unknown attestation variant \"qemu-vtpm\"; known variants: aws-nitro-tpm (1.3.9900.2.1)");
        factory.GetCapability(AttestationVariant.QemuVtpm).Reason.Should().Be("attestation variant qemu-vtpm is not in the factory's registry");
    }

    [Test]
    public void A_variant_whose_validator_needs_a_service_the_factory_lacks_is_refused_naming_the_service()
    {
        var factory = AttestationValidatorFactory.CreateDefault();

        var act = () => factory.Create(AttestationConfig.CreateDefault(AttestationVariant.GcpSevEs));

        factory.CanCreate(AttestationVariant.GcpSevEs).Should().BeFalse();
        act.Should().Throw<VariantUnavailableException>().Which.MissingService.Should().Be(nameof(VariantServices.GceShieldedIdentity));
    }

    [Test]
    public void The_registry_definition_builds_the_validator_unless_a_builder_replaces_it()
    {
        var config = AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm);
        var replaced = AttestationValidatorFactory.CreateDefault().Register(AttestationVariant.QemuVtpm, c => new PolicyTestValidator(c));
        var plain = AttestationValidatorFactory.CreateDefault();

        replaced.Create(config).Should().BeOfType<PolicyTestValidator>();
        plain.Create(config).Should().BeOfType<VtpmValidator>();
        plain.CanCreate(AttestationVariant.QemuVtpm).Should().BeTrue();
    }

    [Test]
    public void A_builder_that_returns_a_validator_of_another_variant_is_caught()
    {
        var factory = new AttestationValidatorFactory().Register(AttestationVariant.QemuVtpm, _ => new DummyValidator());

        var act = () => factory.Create(AttestationConfig.CreateDefault(AttestationVariant.QemuVtpm));

        act.Should().Throw<InvalidOperationException>().WithMessage("the validator builder for qemu-vtpm returned a validator for dummy");
    }
}
