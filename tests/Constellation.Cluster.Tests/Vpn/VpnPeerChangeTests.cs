using System.Net;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>Peer list changes reach every node's interface at the next poll; a restarted node keeps its identity in the VPN.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VpnPeerChangeTests() : VpnClusterFixture(3)
{

    [Test]
    public async Task A_node_removed_from_the_directory_disappears_from_the_other_nodes_peers()
    {
        var removed = Cluster.Agents[2]!.PublicKey;
        PeersOf(0).Should().Contain(removed, "it was a peer before");

        (await Cluster.Api.Directory.RemoveAsync(VpnTestCluster.NodeName(2))).Should().BeTrue();
        var version = (await Cluster.Api.Directory.GetPeersAsync()).Version;

        await VpnTestCluster.EventuallyAsync(
            () => Task.FromResult(Cluster.Agents[0]!.PeerListVersion == version && Cluster.Agents[1]!.PeerListVersion == version),
            $"nodes 0 and 1 to apply peer list version {version}");
        PeersOf(0).Should().NotContain(removed).And.Contain(Cluster.Agents[1]!.PublicKey);
        PeersOf(1).Should().NotContain(removed).And.Contain(Cluster.Agents[0]!.PublicKey);
    }

    [Test]
    public async Task A_restarted_node_keeps_its_key_and_vpn_address_and_its_peers_see_no_change()
    {
        var before = Cluster.Agents[1]!;
        var (publicKey, address) = (before.PublicKey, before.VpnAddress);
        var version = (await Cluster.Api.Directory.GetPeersAsync()).Version;
        await before.DisposeAsync();
        Cluster.Agents[1] = null;
        UnderlayNetwork.RunIn(Cluster.Network.Nodes[1], "ip", "-o", "link", "show").Should().NotContain(Cluster.Network.WireGuardName(1), "dispose removes the interface");

        var after = Cluster.Agents[1] = await Cluster.StartAgentAsync(1);

        after.PublicKey.Should().Be(publicKey);
        after.VpnAddress.Should().Be(address);
        (await Cluster.Api.Directory.GetPeersAsync()).Version.Should().Be(version, "the same key and endpoint again change nothing");
        File.GetUnixFileMode(WireGuardKeyPair.PrivateKeyPath(Cluster.KeyDirectory(1))).Should().Be(AtomicFile.OwnerOnly);
        PeersOf(1).Should().Contain(Cluster.Agents[0]!.PublicKey);
    }

    [Test]
    public void No_log_line_carries_a_private_key()
    {
        var privateKeys = Enumerable.Range(0, 3).Select(i => File.ReadAllText(WireGuardKeyPair.PrivateKeyPath(Cluster.KeyDirectory(i))).Trim()).ToList();

        Cluster.Log.Lines.Should().NotBeEmpty();
        foreach (var key in privateKeys)
        {
            Cluster.Log.AllText.Should().NotContain(key);
            Cluster.Log.AllText.Should().NotContain(Convert.ToHexStringLower(Convert.FromBase64String(key)));
        }
    }

    private string[] PeersOf(int index) =>
        UnderlayNetwork.RunIn(Cluster.Network.Nodes[index], "wg", "show", Cluster.Network.WireGuardName(index), "peers")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
