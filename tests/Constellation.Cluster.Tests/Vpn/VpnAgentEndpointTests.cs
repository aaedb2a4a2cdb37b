using System.Net;
using System.Net.Sockets;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>A node's agent tries the VPN API endpoints in turn, and fails loudly (leaving nothing behind) when none accepts it.</summary>
public sealed class VpnAgentEndpointTests
{
    private VpnTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _cluster = await VpnTestCluster.StartAsync(1);
        await _cluster.Agents[0]!.DisposeAsync();
        _cluster.Agents[0] = null;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task An_agent_whose_certificate_no_endpoint_accepts_fails_naming_every_endpoint_and_removes_its_interface()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        var dead = DeadEndpoint();
        var before = await _cluster.Api.Directory.GetPeersAsync();

        var start = async () => await _cluster.StartAgentAsync(0, [dead, _cluster.Api.Address], NodeCertificates.Kubelet(otherCa, VpnTestCluster.NodeName(0)));

        (await start.Should().ThrowAsync<VpnException>()).Which.Message.Should().Contain(dead).And.Contain(_cluster.Api.Address);
        UnderlayNetwork.RunIn(_cluster.Network.Nodes[0], "ip", "-o", "link", "show").Should().NotContain(_cluster.Network.WireGuardName(0));
        (await _cluster.Api.Directory.GetPeersAsync()).Should().BeEquivalentTo(before, "nothing was published");
    }

    [Test]
    public async Task An_agent_whose_first_endpoint_is_down_publishes_through_the_next()
    {
        var dead = DeadEndpoint();

        await using var agent = await _cluster.StartAgentAsync(0, [dead, _cluster.Api.Address], NodeCertificates.Kubelet(_cluster.Api.Ca, VpnTestCluster.NodeName(0)));

        (await _cluster.Api.Directory.GetPeersAsync()).Peers.Should().ContainSingle().Which.Should().Be(
            new VpnPeer(VpnTestCluster.NodeName(0), agent.PublicKey, UnderlayNetwork.UnderlayAddress(0) + ":51820", agent.VpnAddress));
    }

    private static string DeadEndpoint()
    {
        // A loopback port that was just free: nothing listens there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
