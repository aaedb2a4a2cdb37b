using System.Security.Cryptography;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Tests.Bootstrapper.Node;

/// <summary>
/// A rebooting node (fresh register, existing LUKS2 state disk) returns to its cluster only with a key that unlocks its
/// disk; a wrong key (a wrong master secret in recovery, a forged rejoin ticket) changes nothing, so the right one can
/// still follow. Real LUKS2 images.
/// </summary>
public class NodeReactivationTests
{
    private static readonly byte[] Salt = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] MeasurementSecret = RandomNumberGenerator.GetBytes(32);
    private string _dir = null!;
    private string _image = null!;
    private byte[] _diskKey = null!;

    [SetUp]
    public async Task ActivateOnAFirstBoot()
    {
        _dir = Directory.CreateTempSubdirectory("hosts-reactivate-").FullName;
        _image = Path.Combine(_dir, "state.img");
        StateDiskImage.CreateIfMissing(_image, StateDiskImage.MinimumSizeMiB);
        _diskKey = RandomNumberGenerator.GetBytes(32);
        await using var disk = await LuksStateDisk.OpenAsync(new LuksStateDiskOptions { DevicePath = _image, MapAfterUnlock = false });
        var first = new NodeActivation(new Cluster.Bootstrapper.NodeLock.NodeLock(new InMemoryClusterIdRegister()), disk, Path.Combine(_dir, "first"));
        var clusterId = ClusterKeyDerivation.DeriveClusterId(MeasurementSecret, Salt);
        (await first.TryActivateAsync(NodeRole.ControlPlane, clusterId, _diskKey, Salt, _ => Task.CompletedTask, CancellationToken.None)).Should().BeTrue();
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task The_right_disk_key_restores_role_and_cluster_id_from_the_disk()
    {
        var (activation, register, disk) = await RebootAsync();
        await using var _ = disk;

        (await activation.TryReactivateAsync(_diskKey, MeasurementSecret, CancellationToken.None)).Should().Be(ReactivationOutcome.Reactivated);

        var clusterId = ClusterKeyDerivation.DeriveClusterId(MeasurementSecret, Salt);
        register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], clusterId), "the cluster ID comes from the measurement salt stored on the disk");
        (await activation.Activated).Should().Be(NodeRole.ControlPlane);
        activation.ClusterId.Should().Equal(clusterId);
        NodeState.Parse(await File.ReadAllBytesAsync(activation.NodeStatePath)).Role.Should().Be(NodeRole.ControlPlane);
    }

    [Test]
    public async Task A_wrong_key_changes_nothing_and_the_right_key_still_works_afterwards()
    {
        var (activation, register, disk) = await RebootAsync();
        await using var _ = disk;

        (await activation.TryReactivateAsync(RandomNumberGenerator.GetBytes(32), MeasurementSecret, CancellationToken.None)).Should().Be(ReactivationOutcome.KeyRefused);

        activation.Lock.IsLocked.Should().BeFalse("a wrong key must not lock the node");
        register.Value.Should().OnlyContain(b => b == 0);
        activation.Activated.IsCompleted.Should().BeFalse();
        (await activation.TryReactivateAsync(_diskKey, MeasurementSecret, CancellationToken.None)).Should().Be(ReactivationOutcome.Reactivated);
    }

    [Test]
    public async Task A_second_reactivation_changes_nothing()
    {
        var (activation, register, disk) = await RebootAsync();
        await using var _ = disk;
        await activation.TryReactivateAsync(_diskKey, MeasurementSecret, CancellationToken.None);
        var before = register.Value;

        (await activation.TryReactivateAsync(_diskKey, RandomNumberGenerator.GetBytes(32), CancellationToken.None)).Should().Be(ReactivationOutcome.AlreadyActivated);

        register.Value.Should().Equal(before, "the register is extended once");
    }

    [Test]
    public async Task Concurrent_rejoin_and_recovery_reactivate_exactly_once()
    {
        for (var trial = 0; trial < 5; trial++)
        {
            var (activation, register, disk) = await RebootAsync();
            await using var _ = disk;

            var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => activation.TryReactivateAsync(_diskKey, MeasurementSecret, CancellationToken.None))));

            outcomes.Count(o => o == ReactivationOutcome.Reactivated).Should().Be(1, $"trial {trial}");
            outcomes.Where(o => o != ReactivationOutcome.Reactivated).Should().OnlyContain(o => o == ReactivationOutcome.AlreadyActivated);
            register.Value.Should().Equal(MeasurementSet.ExtendRegister(new byte[32], ClusterKeyDerivation.DeriveClusterId(MeasurementSecret, Salt)));
        }
    }

    [Test]
    public async Task A_disk_that_was_never_set_up_refuses_every_key()
    {
        var fresh = Path.Combine(_dir, "fresh.img");
        StateDiskImage.CreateIfMissing(fresh, StateDiskImage.MinimumSizeMiB);
        await using var disk = await LuksStateDisk.OpenAsync(new LuksStateDiskOptions { DevicePath = fresh, MapAfterUnlock = false });
        var activation = new NodeActivation(new Cluster.Bootstrapper.NodeLock.NodeLock(new InMemoryClusterIdRegister()), disk, Path.Combine(_dir, "fresh"));

        (await activation.TryReactivateAsync(_diskKey, MeasurementSecret, CancellationToken.None)).Should().Be(ReactivationOutcome.KeyRefused);
        activation.Lock.IsLocked.Should().BeFalse();
    }

    private async Task<(NodeActivation Activation, InMemoryClusterIdRegister Register, LuksStateDisk Disk)> RebootAsync()
    {
        var register = new InMemoryClusterIdRegister();
        var disk = await LuksStateDisk.OpenAsync(new LuksStateDiskOptions { DevicePath = _image, MapAfterUnlock = false });
        disk.IsFormatted.Should().BeTrue();
        return (new NodeActivation(new Cluster.Bootstrapper.NodeLock.NodeLock(register), disk, Path.Combine(_dir, "reboot-" + Guid.NewGuid().ToString("N"))), register, disk);
    }
}
