using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Store;
using FluentAssertions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// The node registry on the store binds names and disks one to one across replicas: a name bound to one disk is
/// refused to another, a disk bound to one name is refused another, with today's refusal messages; a repeated claim
/// of the same pair succeeds, and rejoin sees bound disks only.
/// </summary>
public abstract class NodeRegistryOnStoreTests : StoreFixture
{
    [Test]
    public async Task A_name_bound_to_one_disk_is_refused_to_another_disk_on_another_replica()
    {
        var name = "node-" + Guid.NewGuid().ToString("N")[..8];
        var owner = StateDiskUuid.NewRandom();
        await new StoreNodeNameRegistry(Store).ClaimAsync(name, owner, CancellationToken.None);
        var thief = StateDiskUuid.NewRandom();

        var steal = () => new StoreNodeNameRegistry(OtherReplica).ClaimAsync(name, thief, CancellationToken.None);

        var refused = await steal.Should().ThrowAsync<JoinRequestRejectedException>();
        refused.Which.Message.Should().Contain(name).And.Contain("bound to another node's state disk").And.NotContain(owner.Value);
        (await new StoreNodeNameRegistry(OtherReplica).IsBoundAsync(thief, CancellationToken.None)).Should().BeFalse("nothing was bound");
    }

    [Test]
    public async Task A_disk_bound_to_one_name_is_refused_a_second_name()
    {
        var disk = StateDiskUuid.NewRandom();
        await new StoreNodeNameRegistry(Store).ClaimAsync("first-" + Guid.NewGuid().ToString("N")[..8], disk, CancellationToken.None);
        var second = "second-" + Guid.NewGuid().ToString("N")[..8];

        var claim = () => new StoreNodeNameRegistry(OtherReplica).ClaimAsync(second, disk, CancellationToken.None);

        (await claim.Should().ThrowAsync<JoinRequestRejectedException>()).Which.Message.Should().Contain("disk_uuid");
        (await new StoreNodeNameRegistry(Store).ReadAllAsync(CancellationToken.None)).Should().NotContainKey(second);
    }

    [Test]
    public async Task The_same_pair_claimed_again_succeeds_and_the_disk_counts_as_joined()
    {
        var name = "again-" + Guid.NewGuid().ToString("N")[..8];
        var disk = StateDiskUuid.NewRandom();

        await new StoreNodeNameRegistry(Store).ClaimAsync(name, disk, CancellationToken.None);
        await new StoreNodeNameRegistry(OtherReplica).ClaimAsync(name, disk, CancellationToken.None);

        (await new StoreNodeNameRegistry(OtherReplica).IsBoundAsync(disk, CancellationToken.None)).Should().BeTrue();
        (await new StoreNodeNameRegistry(Store).IsBoundAsync(StateDiskUuid.NewRandom(), CancellationToken.None)).Should().BeFalse();
    }

    [Test]
    public async Task A_malformed_disk_in_the_store_is_refused_as_untrustworthy_rather_than_read_as_free()
    {
        var name = "garbled-" + Guid.NewGuid().ToString("N")[..8];
        await Store.CommitAsync([], [StoreOperation.Put(StoreKeys.NodeByName + name, "not-a-uuid"u8.ToArray())], CancellationToken.None);

        var claim = () => new StoreNodeNameRegistry(OtherReplica).ClaimAsync(name, StateDiskUuid.NewRandom(), CancellationToken.None);

        (await claim.Should().ThrowAsync<NodeRegistryException>()).Which.Message.Should().Contain(StoreKeys.NodeByName + name).And.Contain("canonical disk UUID");
        await Store.CommitAsync([], [StoreOperation.Delete(StoreKeys.NodeByName + name)], CancellationToken.None);
    }
}

/// <summary>The node registry on a real etcd member.</summary>
public sealed class NodeRegistryOnEtcdTests : NodeRegistryOnStoreTests
{
    protected override bool OnEtcd => true;
}

/// <summary>The node registry on the in-memory store.</summary>
public sealed class NodeRegistryInMemoryTests : NodeRegistryOnStoreTests
{
    protected override bool OnEtcd => false;
}
