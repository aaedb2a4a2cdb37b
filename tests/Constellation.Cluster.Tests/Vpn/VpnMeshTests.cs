using System.Text.RegularExpressions;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>
/// Three nodes in their own network namespaces on a bridged underlay publish and poll through the VPN API and end up
/// in one WireGuard mesh: every pair has a handshake, TCP between VPN addresses works, and the underlay sees only
/// WireGuard's UDP.
/// </summary>
public sealed partial class VpnMeshTests() : VpnClusterFixture(3)
{

    private VpnAgent Agent(int index) => Cluster.Agents[index]!;

    [Test]
    public async Task Every_node_gets_a_handshake_with_every_other_node()
    {
        await VpnTestCluster.EventuallyAsync(
            async () =>
            {
                foreach (var agent in Cluster.Agents)
                {
                    if (await agent!.GetHandshakeCountAsync() != 2)
                    {
                        return false;
                    }
                }

                return true;
            },
            "a handshake between every pair of the three nodes");

        for (var i = 0; i < 3; i++)
        {
            var others = Enumerable.Range(0, 3).Where(j => j != i).Select(j => Agent(j).PublicKey);
            (await Agent(i).Interface.GetHandshakesAsync()).Select(p => p.PublicKey).Should().BeEquivalentTo(others);
        }
    }

    [Test]
    public async Task Every_node_has_a_distinct_vpn_address_from_the_pool_and_applies_the_current_peer_list_version()
    {
        var current = (await Cluster.Api.Directory.GetPeersAsync()).Version;

        await Cluster.WaitConvergedAsync();

        Cluster.Agents.Should().OnlyContain(a => a!.PeerListVersion == current);
        Cluster.Agents.Select(a => a!.VpnAddress).Distinct().Should().HaveCount(3);
        Cluster.Agents.Should().OnlyContain(a => VpnAddressPool.Default.IsHostAddress(a!.VpnAddress));
    }

    [Test]
    public void Every_peer_is_configured_with_its_vpn_address_as_32_its_endpoint_and_a_25_second_keepalive()
    {
        var ns = Cluster.Network.Nodes[0];
        var name = Cluster.Network.WireGuardName(0);

        var allowed = UnderlayNetwork.RunIn(ns, "wg", "show", name, "allowed-ips");
        var endpoints = UnderlayNetwork.RunIn(ns, "wg", "show", name, "endpoints");
        var keepalive = UnderlayNetwork.RunIn(ns, "wg", "show", name, "persistent-keepalive");

        allowed.Should().Contain($"{Agent(1).PublicKey}\t{Agent(1).VpnAddress}/32").And.Contain($"{Agent(2).PublicKey}\t{Agent(2).VpnAddress}/32");
        endpoints.Should().Contain($"{Agent(1).PublicKey}\t{UnderlayNetwork.UnderlayAddress(1)}:51820");
        keepalive.Should().Contain($"{Agent(2).PublicKey}\t25");
        allowed.Should().NotContain(Agent(0).PublicKey, "a node is not its own peer");
    }

    [Test]
    public async Task A_tcp_connection_over_the_vpn_shows_on_the_underlay_only_as_wireguard_udp()
    {
        var ns0 = Cluster.Network.Nodes[0];
        var ns1 = Cluster.Network.Nodes[1];
        var target = Agent(1).VpnAddress.ToString();
        using var underlay = await Capture.StartAsync(ns0, UnderlayNetwork.UnderlayInterface);
        using var tunnel = await Capture.StartAsync(ns0, Cluster.Network.WireGuardName(0));

        var transferred = await TcpOverVpnAsync(ns0, ns1, target);

        var onUnderlay = await underlay.StopAsync();
        var inTunnel = await tunnel.StopAsync();
        transferred.Should().Contain("sender").And.Contain("receiver");

        // The capture sees the connection where it is clear text: inside the tunnel.
        inTunnel.Should().Contain(l => l.Contains($"> {target}.5201: Flags [S]", StringComparison.Ordinal));

        // On the wire between the nodes: WireGuard's UDP between the underlay addresses, nothing of the TCP connection.
        // (The kernel's own link chatter, e.g. IGMP reports from 0.0.0.0, is not between the nodes.)
        var betweenNodes = onUnderlay.Where(l => l.Contains(" IP 192.168.77.", StringComparison.Ordinal)).ToList();
        betweenNodes.Should().NotBeEmpty();
        betweenNodes.Should().OnlyContain(l => WireGuardUdp().IsMatch(l), "every IPv4 packet between the nodes is WireGuard UDP between port 51820s");
        onUnderlay.Should().NotContain(l => l.Contains("Flags [", StringComparison.Ordinal) || l.Contains(".5201", StringComparison.Ordinal) || l.Contains("10.118.", StringComparison.Ordinal));
    }

    private static async Task<string> TcpOverVpnAsync(string clientNs, string serverNs, string serverAddress)
    {
        using var server = UnderlayNetwork.StartIn(serverNs, "iperf3", "-s", "-1", "-B", serverAddress, "-p", "5201");
        try
        {
            // The server binds a moment after it starts: retry the client until it connects (bounded).
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return UnderlayNetwork.RunIn(clientNs, "iperf3", "-c", serverAddress, "-p", "5201", "-n", "1M");
                }
                catch (InvalidOperationException) when (attempt < 50)
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            await server.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@" IP 192\.168\.77\.\d+\.51820 > 192\.168\.77\.\d+\.51820: UDP, length \d+$")]
    private static partial Regex WireGuardUdp();
}
