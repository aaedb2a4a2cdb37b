using Constellation.Attestation.Policy;

namespace Constellation.Attestation.Tests.Policy;

public class ConfigMapSymlinkSwapTests
{
    [Test]
    public async Task A_configmap_symlink_swap_is_picked_up_and_a_bad_version_is_survived()
    {
        using var configMap = new ConfigMapDirectory(PolicyFixtures.Json(0xaa));
        using var meter = new PolicyMeterRecorder();
        new FileInfo(configMap.FilePath).LinkTarget.Should().Be(Path.Combine("..data", ConfigMapDirectory.Key));
        var source = new FileAttestationPolicySource(configMap.FilePath, PolicyFileFormat.Json, AttestationVariant.Dummy);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions());

        configMap.Swap(PolicyFixtures.Json(0xbb));
        await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(PolicyFixtures.Config(0xbb)), "the swapped-in version is in effect");
        (await validator.ValidateAsync(PolicyFixtures.DocumentFor(0xbb), new byte[] { 1 })).Warnings.Should().ContainSingle();

        configMap.Swap("{\"measurements\":{\"4\":{\"expected\":\"zz\"}}}");
        await PolicyFixtures.WaitUntilAsync(() => meter.Failures == 1, "the bad version was rejected");
        validator.Current.Config.Should().Be(PolicyFixtures.Config(0xbb));

        configMap.Swap(PolicyFixtures.Json(0xcc));
        await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(PolicyFixtures.Config(0xcc)), "the next good version is in effect");
        validator.Current.Generation.Should().Be(3);
    }

    [Test]
    public async Task Without_watching_an_explicit_reload_follows_the_swapped_symlink()
    {
        using var configMap = new ConfigMapDirectory(PolicyFixtures.Json(0xaa));
        var source = new FileAttestationPolicySource(configMap.FilePath, PolicyFileFormat.Json, AttestationVariant.Dummy);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false));

        configMap.Swap(PolicyFixtures.Json(0xbb));
        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Applied);
        result.Policy.Config.Should().Be(PolicyFixtures.Config(0xbb));
    }
}
