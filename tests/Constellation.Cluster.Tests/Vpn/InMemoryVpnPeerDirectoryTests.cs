using System.Net;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>The in-memory peer directory versions every change and hands out each address once.</summary>
public sealed class InMemoryVpnPeerDirectoryTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());

    [Test]
    public async Task A_public_key_of_another_node_is_refused()
    {
        var directory = new InMemoryVpnPeerDirectory();
        await directory.PublishAsync("a", KeyA, "192.0.2.1:51820");

        var steal = async () => await directory.PublishAsync("b", KeyA, "192.0.2.2:51820");

        (await steal.Should().ThrowAsync<ClusterException>()).Which.Message.Should().Contain("node a");
        (await directory.GetPeersAsync()).Peers.Should().ContainSingle();
    }

    [Test]
    public async Task Addresses_are_handed_out_lowest_first_and_kept_across_publishes()
    {
        var directory = new InMemoryVpnPeerDirectory();

        var a = await directory.PublishAsync("a", KeyA, "192.0.2.1:51820");
        var b = await directory.PublishAsync("b", KeyB, "192.0.2.2:51820");
        var again = await directory.PublishAsync("a", KeyA, "192.0.2.9:51820");

        a.VpnAddress.Should().Be(IPAddress.Parse("10.118.0.1"));
        b.VpnAddress.Should().Be(IPAddress.Parse("10.118.0.2"));
        again.VpnAddress.Should().Be(a.VpnAddress);
        again.Endpoint.Should().Be("192.0.2.9:51820");
    }

    [Test]
    public async Task The_version_grows_with_every_change_and_only_then()
    {
        var directory = new InMemoryVpnPeerDirectory();
        var start = (await directory.GetPeersAsync()).Version;

        await directory.PublishAsync("a", KeyA, "192.0.2.1:51820");
        var afterPublish = (await directory.GetPeersAsync()).Version;
        await directory.PublishAsync("a", KeyA, "192.0.2.1:51820");
        var afterSamePublish = (await directory.GetPeersAsync()).Version;
        (await directory.RemoveAsync("a")).Should().BeTrue();
        var afterRemove = (await directory.GetPeersAsync()).Version;
        (await directory.RemoveAsync("a")).Should().BeFalse();

        afterPublish.Should().BeGreaterThan(start);
        afterSamePublish.Should().Be(afterPublish);
        afterRemove.Should().BeGreaterThan(afterPublish);
        (await directory.GetPeersAsync()).Version.Should().Be(afterRemove);
    }

    [Test]
    public async Task Concurrent_publishes_of_many_nodes_get_distinct_addresses()
    {
        var directory = new InMemoryVpnPeerDirectory();

        var peers = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            directory.PublishAsync($"n{i}", Convert.ToBase64String(BitConverter.GetBytes(i).Concat(new byte[28]).ToArray()), "192.0.2.1:51820"))));

        peers.Select(p => p.VpnAddress).Distinct().Should().HaveCount(64);
        (await directory.GetPeersAsync()).Peers.Select(p => p.NodeName).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }
}
