using System.Net;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>Peer list changes reach every node's interface at the next poll; a restarted node keeps its identity in the VPN.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VpnPeerChangeTests
{
    private VpnTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await VpnTestCluster.StartAsync(3);

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task A_node_removed_from_the_directory_disappears_from_the_other_nodes_peers()
    {
        var removed = _cluster.Agents[2]!.PublicKey;
        PeersOf(0).Should().Contain(removed, "it was a peer before");

        (await _cluster.Api.Directory.RemoveAsync(VpnTestCluster.NodeName(2))).Should().BeTrue();
        var version = (await _cluster.Api.Directory.GetPeersAsync()).Version;

        await VpnTestCluster.EventuallyAsync(
            () => Task.FromResult(_cluster.Agents[0]!.PeerListVersion == version && _cluster.Agents[1]!.PeerListVersion == version),
            $"nodes 0 and 1 to apply peer list version {version}");
        PeersOf(0).Should().NotContain(removed).And.Contain(_cluster.Agents[1]!.PublicKey);
        PeersOf(1).Should().NotContain(removed).And.Contain(_cluster.Agents[0]!.PublicKey);
    }

    [Test]
    public async Task A_restarted_node_keeps_its_key_and_vpn_address_and_its_peers_see_no_change()
    {
        var before = _cluster.Agents[1]!;
        var (publicKey, address) = (before.PublicKey, before.VpnAddress);
        var version = (await _cluster.Api.Directory.GetPeersAsync()).Version;
        await before.DisposeAsync();
        _cluster.Agents[1] = null;
        UnderlayNetwork.RunIn(_cluster.Network.Nodes[1], "ip", "-o", "link", "show").Should().NotContain(_cluster.Network.WireGuardName(1), "dispose removes the interface");

        var after = _cluster.Agents[1] = await _cluster.StartAgentAsync(1);

        after.PublicKey.Should().Be(publicKey);
        after.VpnAddress.Should().Be(address);
        (await _cluster.Api.Directory.GetPeersAsync()).Version.Should().Be(version, "the same key and endpoint again change nothing");
        File.GetUnixFileMode(WireGuardKeyPair.PrivateKeyPath(_cluster.KeyDirectory(1))).Should().Be(AtomicFile.OwnerOnly);
        PeersOf(1).Should().Contain(_cluster.Agents[0]!.PublicKey);
    }

    [Test]
    public void No_log_line_carries_a_private_key()
    {
        var privateKeys = Enumerable.Range(0, 3).Select(i => File.ReadAllText(WireGuardKeyPair.PrivateKeyPath(_cluster.KeyDirectory(i))).Trim()).ToList();

        _cluster.Log.Lines.Should().NotBeEmpty();
        foreach (var key in privateKeys)
        {
            _cluster.Log.AllText.Should().NotContain(key);
            _cluster.Log.AllText.Should().NotContain(Convert.ToHexStringLower(Convert.FromBase64String(key)));
        }
    }

    private string[] PeersOf(int index) =>
        UnderlayNetwork.RunIn(_cluster.Network.Nodes[index], "wg", "show", _cluster.Network.WireGuardName(index), "peers")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
