using System.Net;
using System.Net.Sockets;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>A node's agent tries the VPN API endpoints in turn, and fails loudly (leaving nothing behind) when none accepts it.</summary>
public sealed class VpnAgentEndpointTests() : VpnClusterFixture(1)
{
    private protected override async Task OnStartedAsync()
    {
        // The node is published; its own agent is stopped so each test starts one with other endpoints or certificates.
        await Cluster.Agents[0]!.DisposeAsync();
        Cluster.Agents[0] = null;
    }


    [Test]
    public async Task An_agent_whose_certificate_no_endpoint_accepts_fails_naming_every_endpoint_and_removes_its_interface()
    {
        using var otherCa = ClusterCertificateAuthority.Create("kubernetes", DateTimeOffset.UtcNow);
        var dead = DeadEndpoint();
        var before = await Cluster.Api.Directory.GetPeersAsync();

        var start = async () => await Cluster.StartAgentAsync(0, [dead, Cluster.Api.Address], NodeCertificates.Kubelet(otherCa, VpnTestCluster.NodeName(0)));

        (await start.Should().ThrowAsync<VpnException>()).Which.Message.Should().Contain(dead).And.Contain(Cluster.Api.Address);
        UnderlayNetwork.RunIn(Cluster.Network.Nodes[0], "ip", "-o", "link", "show").Should().NotContain(Cluster.Network.WireGuardName(0));
        (await Cluster.Api.Directory.GetPeersAsync()).Should().BeEquivalentTo(before, "nothing was published");
    }

    [Test]
    public async Task An_agent_whose_first_endpoint_is_down_publishes_through_the_next()
    {
        var dead = DeadEndpoint();

        await using var agent = await Cluster.StartAgentAsync(0, [dead, Cluster.Api.Address], NodeCertificates.Kubelet(Cluster.Api.Ca, VpnTestCluster.NodeName(0)));

        (await Cluster.Api.Directory.GetPeersAsync()).Peers.Should().ContainSingle().Which.Should().Be(
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
