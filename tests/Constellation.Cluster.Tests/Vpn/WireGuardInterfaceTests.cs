using System.Diagnostics;
using System.Net;
using Constellation.Cluster.Vpn;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>One WireGuard interface in a namespace of its own: names are checked, peers replaced whole, wireguard-go supervised and removed.</summary>
public sealed class WireGuardInterfaceTests
{
    private UnderlayNetwork _network = null!;
    private string _keys = null!;
    private WireGuardKeyPair _pair = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _network = UnderlayNetwork.Create(1);
        _keys = Path.Combine(Path.GetTempPath(), "wgif-" + _network.Prefix);
        _pair = await WireGuardKeyPair.LoadOrCreateAsync(_keys);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _pair?.Dispose();
        _network?.Dispose();
        if (_keys is not null && Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }
    }

    private string Namespace => _network.Nodes[0];

    [TestCase("wg-name-of-16-ch")]
    [TestCase("wg0;ip link del")]
    [TestCase("")]
    public async Task An_interface_name_linux_cannot_take_is_refused_before_anything_is_created(string name)
    {
        var create = async () => await WireGuardInterface.CreateAsync(Options(name), WireGuardKeyPair.PrivateKeyPath(_keys), NullLogger.Instance);

        (await create.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("Name");
        UnderlayNetwork.RunIn(Namespace, "ip", "-o", "link", "show").Should().NotContain("wg");
    }

    [Test]
    public async Task Applying_a_peer_list_replaces_the_whole_peer_set_and_skips_the_node_itself()
    {
        await using var wireGuard = await WireGuardInterface.CreateAsync(Options(_network.WireGuardName(0)), WireGuardKeyPair.PrivateKeyPath(_keys), NullLogger.Instance);
        using var a = WireGuardKeyPair.Generate();
        using var b = WireGuardKeyPair.Generate();
        using var c = WireGuardKeyPair.Generate();

        await wireGuard.ApplyPeersAsync(List(1, Self(), Peer("a", a, 2), Peer("b", b, 3)), _pair.PublicKey);
        var first = Peers(wireGuard.Name);
        await wireGuard.ApplyPeersAsync(List(2, Self(), Peer("a", a, 2), Peer("c", c, 4)), _pair.PublicKey);
        var second = Peers(wireGuard.Name);

        first.Should().BeEquivalentTo([a.PublicKey, b.PublicKey]);
        second.Should().BeEquivalentTo([a.PublicKey, c.PublicKey]);
        wireGuard.IsUserspace.Should().BeTrue("this kernel has no WireGuard module");
        UnderlayNetwork.RunIn(Namespace, "wg", "show", wireGuard.Name, "public-key").Trim().Should().Be(_pair.PublicKey);
    }

    [Test]
    public async Task Dispose_removes_the_interface_and_stops_wireguard_go()
    {
        var wireGuard = await WireGuardInterface.CreateAsync(Options(_network.WireGuardName(1)), WireGuardKeyPair.PrivateKeyPath(_keys), NullLogger.Instance);
        var pid = wireGuard.ProcessId!.Value;
        UnderlayNetwork.RunIn(Namespace, "ip", "-o", "link", "show").Should().Contain(wireGuard.Name);

        await wireGuard.DisposeAsync();

        UnderlayNetwork.RunIn(Namespace, "ip", "-o", "link", "show").Should().NotContain(wireGuard.Name);
        IsRunning(pid).Should().BeFalse();
    }

    [Test]
    public async Task A_killed_wireguard_go_is_restarted_and_configured_again_at_the_next_apply()
    {
        await using var wireGuard = await WireGuardInterface.CreateAsync(Options(_network.WireGuardName(2)), WireGuardKeyPair.PrivateKeyPath(_keys), NullLogger.Instance);
        await wireGuard.SetAddressAsync(IPAddress.Parse("10.118.0.1"), 16);
        using var a = WireGuardKeyPair.Generate();
        var peers = List(1, Self(), Peer("a", a, 2));
        await wireGuard.ApplyPeersAsync(peers, _pair.PublicKey);
        var pid = wireGuard.ProcessId!.Value;

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        await VpnTestCluster.EventuallyAsync(
            () => Task.FromResult(wireGuard.ProcessId is { } restarted && restarted != pid && wireGuard.IsReconfigurationPending), "a restarted wireguard-go");
        await wireGuard.ApplyPeersAsync(peers, _pair.PublicKey);

        wireGuard.IsReconfigurationPending.Should().BeFalse();
        Peers(wireGuard.Name).Should().BeEquivalentTo([a.PublicKey]);
        UnderlayNetwork.RunIn(Namespace, "wg", "show", wireGuard.Name, "listen-port").Trim().Should().Be("51821");
        UnderlayNetwork.RunIn(Namespace, "wg", "show", wireGuard.Name, "public-key").Trim().Should().Be(_pair.PublicKey);
        UnderlayNetwork.RunIn(Namespace, "ip", "-o", "address", "show", "dev", wireGuard.Name).Should().Contain("10.118.0.1/16");
    }

    private WireGuardInterfaceOptions Options(string name) => new() { Name = name, ListenPort = 51821, NetworkNamespace = Namespace };

    private VpnPeer Self() => new("self", _pair.PublicKey, "192.168.77.1:51821", IPAddress.Parse("10.118.0.1"));

    private static VpnPeer Peer(string name, WireGuardKeyPair pair, int host) =>
        new(name, pair.PublicKey, $"192.168.77.{host}:51820", IPAddress.Parse($"10.118.0.{host}"));

    private static VpnPeerList List(long version, params VpnPeer[] peers) => new(version, peers);

    private string[] Peers(string name) => UnderlayNetwork.RunIn(Namespace, "wg", "show", name, "peers").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
