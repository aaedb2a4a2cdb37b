using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Variants;
using Constellation.Cluster.JoinService.Policy;

namespace Constellation.Cluster.Tests.Variants.TestOnly;

/// <summary>The join service publishes and loads the test-only variant's policy with the extended registry, like any library variant's.</summary>
public class TestOnlyJoinPolicyTests
{
    private static readonly byte[] Measured = Enumerable.Repeat((byte)7, 32).ToArray();

    [Test]
    public async Task Its_join_config_loads_into_the_join_service_and_admits_by_it()
    {
        var dir = Directory.CreateTempSubdirectory("test-only-join-").FullName;
        try
        {
            var configMap = new ConfigMapDirectory(Path.Combine(dir, "join-config"));
            var path = await JoinServicePolicy.PublishAsync(configMap, new TestOnlyConfig(MeasurementSet.Empty.With(0, new Measurement(Measured)), "blue"));
            var factory = new AttestationValidatorFactory(TestOnlyVariant.Registry, VariantServices.None);

            await using var policy = await JoinServicePolicy.LoadValidatorAsync(path, TestOnlyVariant.Instance.Variant, factory);
            var nonce = RandomNumberGenerator.GetBytes(32);
            var admitted = await policy.ValidateAsync(await TestOnlyVariant.Issuer(Measured, "blue").IssueAsync(new byte[] { 9 }, nonce), nonce);
            var refused = async () => await policy.ValidateAsync(await TestOnlyVariant.Issuer(Measured, "red").IssueAsync(new byte[] { 9 }, nonce), nonce);

            policy.Variant.Should().Be(TestOnlyVariant.Instance.Variant);
            policy.Current.Config.Should().BeOfType<TestOnlyConfig>().Which.Label.Should().Be("blue");
            admitted.UserData.ToArray().Should().Equal(9);
            await refused.Should().ThrowAsync<AttestationPolicyException>();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task The_library_registry_alone_does_not_load_it()
    {
        var dir = Directory.CreateTempSubdirectory("test-only-join-").FullName;
        try
        {
            var path = await JoinServicePolicy.PublishAsync(new ConfigMapDirectory(Path.Combine(dir, "join-config")), TestOnlyVariant.Instance.CreateDefaultConfig());

            var load = async () => await JoinServicePolicy.LoadValidatorAsync(path, TestOnlyVariant.Instance.Variant, AttestationValidatorFactory.CreateDefault());

            (await load.Should().ThrowAsync<UnknownVariantException>()).Which.Requested.Should().Be("test-only");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
