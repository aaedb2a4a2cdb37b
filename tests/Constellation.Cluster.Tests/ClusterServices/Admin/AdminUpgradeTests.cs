using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Cluster.ClusterServices.Admin;

namespace Constellation.Cluster.Tests.ClusterServices.Admin;

/// <summary>
/// An upgrade through the admin API replaces the join policy of running cluster services: the next join of a node from
/// the old build is refused naming the changed PCR, a node from the new build is admitted, and nothing restarts.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AdminUpgradeTests
{
    [Test]
    public async Task Applying_the_new_measurements_refuses_the_old_build_naming_the_pcr_and_admits_the_new_build_without_a_restart()
    {
        await using var cluster = await UpgradeableCluster.StartAsync();
        var joinAddress = cluster.Host.JoinServiceAddress;
        (await cluster.TryJoinAsync(cluster.New, "new-before")).Should().BeFalse("the new build is not trusted before the upgrade");
        (await cluster.TryJoinAsync(cluster.Old, "old-before")).Should().BeTrue();

        using var credential = cluster.AdminCredential();
        using var channel = cluster.AdminChannel(credential);
        var policy = new MeasurementsAttestationConfig(AttestationVariant.QemuVtpm, cluster.New.Measurements);
        var applied = await AdminClient.SetJoinPolicyAsync(channel, policy).WaitAsync(UpgradeableCluster.Bound);

        applied.Variant.Should().Be("qemu-vtpm");
        applied.Digest.ToArray().Should().Equal(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(cluster.PolicyFile)));
        await cluster.WaitForGenerationAsync(2);
        (await cluster.TryJoinAsync(cluster.Old, "old-after")).Should().BeFalse("the old build no longer meets the policy");
        var why = async () => await cluster.ValidateAsync(cluster.Old);
        (await why.Should().ThrowAsync<MeasurementMismatchException>()).Which.FailedIndices.Should().Equal(UpgradeableCluster.ChangedPcr);
        (await cluster.TryJoinAsync(cluster.New, "new-after")).Should().BeTrue();
        cluster.Host.JoinServiceAddress.Should().Be(joinAddress, "the same join service kept serving");
        cluster.Logs.AllText.Should().Contain("join policy for qemu-vtpm with 16 measurements published");
    }
}
