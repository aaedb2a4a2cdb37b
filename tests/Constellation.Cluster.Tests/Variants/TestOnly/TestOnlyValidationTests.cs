using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;

namespace Constellation.Cluster.Tests.Variants.TestOnly;

/// <summary>A validator factory over the extended registry builds the test-only validator from its config, and its definition the issuer.</summary>
public class TestOnlyValidationTests
{
    private static readonly byte[] Measured = Enumerable.Repeat((byte)7, 32).ToArray();
    private static readonly TestOnlyConfig Config = new(MeasurementSet.Empty.With(0, new Measurement(Measured)), "blue");

    private static AttestationValidatorFactory Factory(TimeProvider? time = null) =>
        new(TestOnlyVariant.Registry, new VariantServices { TimeProvider = time ?? TimeProvider.System });

    [Test]
    public async Task The_validator_built_from_the_config_accepts_the_issuers_document()
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        var document = await TestOnlyVariant.Issuer(Measured, "blue").IssueAsync("user"u8.ToArray(), nonce);

        var result = await Factory().Create(Config).ValidateAsync(document, nonce);

        result.Variant.Should().Be(TestOnlyVariant.Instance.Variant);
        result.UserData.ToArray().Should().Equal("user"u8.ToArray());
        result.Measurements[0].Should().Equal(Measured);
    }

    [Test]
    public async Task The_config_decides_the_label_and_the_measurement_the_validator_requires()
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        var otherLabel = await TestOnlyVariant.Issuer(Measured, "red").IssueAsync(Array.Empty<byte>(), nonce);
        var otherMeasurement = await TestOnlyVariant.Issuer(new byte[32], "blue").IssueAsync(Array.Empty<byte>(), nonce);
        var validator = Factory().Create(Config);

        var label = async () => await validator.ValidateAsync(otherLabel, nonce);
        var measurement = async () => await validator.ValidateAsync(otherMeasurement, nonce);

        (await label.Should().ThrowAsync<AttestationPolicyException>()).Which.Violations.Should().ContainSingle(v => v.Field == "label");
        (await measurement.Should().ThrowAsync<MeasurementMismatchException>()).Which.FailedIndices.Should().Equal(0u);
    }

    [Test]
    public void The_services_reach_the_validator_and_the_factorys_rules_hold_for_it()
    {
        var time = new FixedTime();
        var empty = () => Factory().Create(new TestOnlyConfig(MeasurementSet.Empty, "blue"));

        ((TestOnlyValidator)Factory(time).Create(Config)).Time.Should().BeSameAs(time);
        empty.Should().Throw<EmptyMeasurementsException>().WithMessage("testOnly.measurements: expected at least one measurement*");
        AttestationValidatorFactory.CreateDefault().GetCapability(TestOnlyVariant.Instance.Variant).IsAvailable.Should().BeFalse();
    }

    [Test]
    public async Task The_definition_builds_the_issuer()
    {
        var issuer = TestOnlyVariant.Instance.CreateIssuer(VariantIssuerServices.None);
        var nonce = RandomNumberGenerator.GetBytes(32);

        var result = await TestOnlyVariant.Instance.CreateValidator(TestOnlyVariant.Instance.CreateDefaultConfig(), VariantServices.None)
            .ValidateAsync(await issuer.IssueAsync(new byte[] { 1 }, nonce), nonce);

        issuer.Variant.Should().Be(TestOnlyVariant.Instance.Variant);
        result.UserData.ToArray().Should().Equal(1);
    }

    private sealed class FixedTime : TimeProvider;
}
