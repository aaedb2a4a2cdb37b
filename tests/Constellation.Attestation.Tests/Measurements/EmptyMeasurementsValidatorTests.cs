using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tests.Pki;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tests.Variants.AzureTdx;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.AwsSevSnp;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.GcpSevEs;
using Constellation.Attestation.Variants.QemuTdx;
using Constellation.Attestation.Variants.QemuVtpm;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Measurements;

/// <summary>
/// A validator built from no measurements compares nothing: every constructor refuses an empty set unless the caller
/// passes <see cref="MeasurementSet.EmptyAllowed"/>, and then every result says that nothing was compared.
/// </summary>
public class EmptyMeasurementsValidatorTests
{
    private static readonly TdxCollateral NoCollateral = new();

    private static IEnumerable<TestCaseData> Constructors()
    {
        yield return Case("QemuVtpm", AttestationVariant.QemuVtpm, m => QemuVtpmVariant.CreateValidator(m));
        yield return Case("GcpSevEs", AttestationVariant.GcpSevEs, m => GcpSevEsVariant.CreateValidator(new NoComputeApi(), m));
        yield return Case("AwsNitroTpm", AttestationVariant.AwsNitroTpm, m => AwsNitroTpmVariant.CreateValidator(m));
        yield return Case("AzureTrustedLaunch", AttestationVariant.AzureTrustedLaunch, m => AzureTrustedLaunchVariant.CreateValidator([Root.Value], m));
        yield return Case("SnpVariants", AttestationVariant.AwsSevSnp, m => AwsSevSnpVariant.CreateValidator(SnpOptions, m));
        yield return Case("AzureTdx", AttestationVariant.AzureTdx, m => AzureTdxVariant.CreateValidator(m, new TdxVerificationOptions { CollateralSource = new FixedTdxCollateral(NoCollateral) }, TdxValidationOptions.Default));
        yield return Case("QemuTdxValidator", AttestationVariant.QemuTdx, m => new QemuTdxValidator(m, new TdxVerificationOptions { CollateralSource = new FixedTdxCollateral(NoCollateral) }));
        yield return Case("VtpmValidator", AttestationVariant.QemuVtpm, m => new VtpmValidator(AttestationVariant.QemuVtpm, new FixedKeyHooks([]), m));
    }

    [TestCaseSource(nameof(Constructors))]
    public void A_validator_is_not_built_from_an_empty_measurement_set(AttestationVariant variant, Func<MeasurementSet, IAttestationValidator> create)
    {
        var act = () => create(MeasurementSet.Empty);

        var thrown = act.Should().Throw<EmptyMeasurementsException>().Which;
        thrown.Variant.Should().Be(variant);
        thrown.Field.Should().Be("measurements");
        thrown.Message.Should().Contain("at least one measurement").And.Contain(variant.Name).And.Contain(nameof(MeasurementSet.EmptyAllowed));
    }

    [TestCaseSource(nameof(Constructors))]
    public void A_validator_is_built_from_no_measurements_when_the_caller_asks_for_it_by_name(AttestationVariant variant, Func<MeasurementSet, IAttestationValidator> create)
    {
        create(MeasurementSet.EmptyAllowed).Variant.Should().Be(variant);
    }

    [Test]
    public void A_set_that_loses_its_last_measurement_is_an_empty_set_again()
    {
        var one = MeasurementSet.Empty.With(4, new Measurement(new byte[32]));

        var act = () => QemuVtpmVariant.CreateValidator(one.Without(4));

        act.Should().Throw<EmptyMeasurementsException>();
        MeasurementSet.EmptyAllowed.Equals(MeasurementSet.Empty).Should().BeFalse("only the named set is allowed to be empty");
    }

    [Test]
    public async Task Every_result_of_a_validator_without_measurements_says_that_nothing_was_compared()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = SwtpmVtpm.QemuIssuer(swtpm);
        var nonce = Encoding.ASCII.GetBytes("empty measurements");
        var document = await issuer.IssueAsync(new byte[] { 1 }, nonce);

        var result = await QemuVtpmVariant.CreateValidator(MeasurementSet.EmptyAllowed).ValidateAsync(document, nonce);

        result.Warnings.Should().ContainSingle().Which.Should().Contain("no measurement was compared").And.Contain(nameof(MeasurementSet.EmptyAllowed));
    }

    private static TestCaseData Case(string constructor, AttestationVariant variant, Func<MeasurementSet, IAttestationValidator> create) =>
        new TestCaseData(variant, create).SetArgDisplayNames(constructor);

    private static SnpVariantOptions SnpOptions => new() { MinimumTcb = new SnpTcbParts(0, 0, 0, 0) };

    private static readonly Lazy<X509Certificate2> Root = new(() => TestPki.CreateCa("CN=empty-measurements-root", null, 0));

    private sealed class NoComputeApi : IGceShieldedIdentityClient
    {
        public ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not called");
    }
}
