using Constellation.Cluster.Store;
using FluentAssertions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// The VPN peer directory on the store: a public key another node uses is refused; concurrent first publishes get
/// distinct addresses; the version grows with every change and only then; a removed node leaves the list.
/// </summary>
public abstract class VpnPeersOnStoreTests : StoreFixture
{
    private static string Key(int i) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i).Concat(Guid.NewGuid().ToByteArray()).ToArray()));

    [Test]
    public async Task A_public_key_of_another_node_is_refused()
    {
        await Reset();
        var directory = new StoreVpnPeerDirectory(Store);
        var key = Key(1);
        await directory.PublishAsync("node-a", key, "10.0.0.1:51820");

        var steal = () => new StoreVpnPeerDirectory(OtherReplica).PublishAsync("node-b", key, "10.0.0.2:51820");

        (await steal.Should().ThrowAsync<ClusterException>()).Which.Message.Should().Contain("node-b").And.Contain("public key");
        (await directory.GetPeersAsync()).Peers.Should().ContainSingle(p => p.NodeName == "node-a");
    }

    [Test]
    public async Task Concurrent_first_publishes_from_two_replicas_get_distinct_addresses_and_one_version_step_each()
    {
        await Reset();
        var before = await new StoreVpnPeerDirectory(Store).GetPeersAsync();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            new StoreVpnPeerDirectory(i % 2 == 0 ? Store : OtherReplica).PublishAsync($"node-{i:00}", Key(i), $"10.0.1.{i}:51820")));

        var after = await new StoreVpnPeerDirectory(OtherReplica).GetPeersAsync();
        after.Peers.Should().HaveCount(20);
        after.Peers.Select(p => p.VpnAddress).Should().OnlyHaveUniqueItems();
        after.Version.Should().Be(before.Version + 20);
    }

    [Test]
    public async Task A_publish_that_changes_nothing_keeps_the_version_and_a_removal_bumps_it()
    {
        await Reset();
        var directory = new StoreVpnPeerDirectory(Store);
        var key = Key(7);
        var first = await directory.PublishAsync("node-x", key, "10.0.2.1:51820");
        var version = (await directory.GetPeersAsync()).Version;

        var again = await directory.PublishAsync("node-x", key, "10.0.2.1:51820");
        (await directory.GetPeersAsync()).Version.Should().Be(version);
        again.VpnAddress.Should().Be(first.VpnAddress);

        var moved = await directory.PublishAsync("node-x", Key(8), "10.0.2.9:51820");
        moved.VpnAddress.Should().Be(first.VpnAddress, "a node keeps its address");
        (await directory.GetPeersAsync()).Version.Should().Be(version + 1);

        (await directory.RemoveAsync("node-x")).Should().BeTrue();
        var list = await directory.GetPeersAsync();
        list.Version.Should().Be(version + 2);
        list.Peers.Should().NotContain(p => p.NodeName == "node-x");
        (await directory.RemoveAsync("node-x")).Should().BeFalse();
    }

    private async Task Reset()
    {
        var directory = new StoreVpnPeerDirectory(Store);
        foreach (var peer in (await directory.GetPeersAsync()).Peers)
        {
            await directory.RemoveAsync(peer.NodeName);
        }
    }
}

/// <summary>VPN peers on a real etcd member.</summary>
public sealed class VpnPeersOnEtcdTests : VpnPeersOnStoreTests
{
    protected override bool OnEtcd => true;
}

/// <summary>VPN peers in memory.</summary>
public sealed class VpnPeersInMemoryTests : VpnPeersOnStoreTests
{
    protected override bool OnEtcd => false;
}
