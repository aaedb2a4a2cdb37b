using System.Diagnostics;
using System.Text.Json;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// The cluster store and the node VPN on a real local cluster (processes, network namespaces, etcd, wireguard-go):
/// <c>mini up --nodes 4 --control-planes 3</c> plus one more worker from <c>mini add</c>. The three control planes are
/// etcd members, every node has a WireGuard handshake with every other node, one worker verifies another over their VPN
/// addresses while a capture on the underlay sees only WireGuard's UDP between them, and <c>mini remove</c> takes a node
/// out of every other node's peers. The fixture fails, never skips, where a tool is missing.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class MiniStoreAndVpnTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private string _dir = string.Empty;

    [OneTimeSetUp]
    public async Task UpAsync()
    {
        foreach (var tool in new[] { "etcd", "wireguard-go", "wg", "tcpdump", "ip" })
        {
            new[] { "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/" }.Should().Contain(d => File.Exists(d + tool), $"the local cluster's store and VPN need {tool} (bash .ci/run installs it)");
        }

        Environment.UserName.Should().Be("root", "network namespaces need root, as the README says");
        var image = await NodeImage.EnsurePublishedAsync();
        _dir = Path.Combine(Path.GetTempPath(), "mini-vpn-" + Guid.NewGuid().ToString("N")[..8]);

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "mini", "up", "--nodes", "4", "--control-planes", "3", "--variant", "dummy", "--network", "netns", "--json", "--dir", _dir, "--bootstrapper-dir", image).WaitAsync(Bound);
        exitCode.Should().Be(0, error);
        var (added, _, addError) = await CliRunner.RunAsync("mini", "add", "--dir", _dir, "--json").WaitAsync(Bound);
        added.Should().Be(0, addError);
    }

    [OneTimeTearDown]
    public async Task DownAsync()
    {
        if (Directory.Exists(_dir))
        {
            await CliRunner.RunAsync("mini", "down", "--dir", _dir).WaitAsync(Bound);
        }
    }

    [Test]
    [Order(1)]
    public async Task The_three_control_planes_are_etcd_members_and_the_workers_are_not()
    {
        var nodes = await StatusAsync();

        nodes.Select(n => (n.GetProperty("name").GetString(), n.GetProperty("etcdMember").GetBoolean())).Should().Equal(
            ("node-0", true), ("node-1", true), ("node-2", true), ("node-3", false), ("node-4", false));
        nodes.Should().OnlyContain(n => n.GetProperty("netns").GetString()!.Length > 0);
        nodes.Select(n => n.GetProperty("vpnIp").GetString()).Should().OnlyHaveUniqueItems().And.OnlyContain(ip => ip!.StartsWith("10.118.", StringComparison.Ordinal));
    }

    [Test]
    [Order(2)]
    public async Task Every_node_has_a_WireGuard_handshake_with_every_other_node()
    {
        var nodes = await UntilAsync(n => n.All(node => node.GetProperty("peers").GetInt32() == n.Length - 1));

        nodes.Should().OnlyContain(n => n.GetProperty("peers").GetInt32() == 4);
    }

    [Test]
    [Order(3)]
    public async Task A_worker_verifies_another_over_their_VPN_addresses_and_the_underlay_carries_only_WireGuard_between_them()
    {
        var nodes = await StatusAsync();
        var (from, to) = (nodes[3], nodes[4]);
        var fromNs = from.GetProperty("netns").GetString()!;
        var toUnderlay = to.GetProperty("initEndpoint").GetString()!.Split(':')[0];
        var fromUnderlay = from.GetProperty("initEndpoint").GetString()!.Split(':')[0];
        var device = (await RunAsync("ip", "-n", fromNs, "-o", "link", "show", "type", "veth")).Split(':')[1].Trim().Split('@')[0];

        string capture;
        using (var tcpdump = await TcpdumpAsync(fromNs, device, toUnderlay))
        {
            // The verification API over the VPN: a gRPC call from node-3's namespace to node-4's VPN address.
            var verify = await RunAsync("ip", "netns", "exec", fromNs, CliRunner.Binary, "verify", "--variant", "dummy", "--endpoint", $"{to.GetProperty("vpnIp").GetString()}:30081");
            verify.Should().Contain("dummy");
            capture = await StopAsync(tcpdump);
        }

        var packets = capture.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(" IP ", StringComparison.Ordinal)).ToList();
        var between = packets.Where(l => l.Contains(fromUnderlay + ".", StringComparison.Ordinal) && l.Contains(toUnderlay + ".", StringComparison.Ordinal)).ToList();
        between.Should().NotBeEmpty("the verification's bytes crossed the underlay between the two workers");
        between.Should().OnlyContain(
            l => l.Contains($"{fromUnderlay}.51820 > {toUnderlay}.51820: UDP", StringComparison.Ordinal) || l.Contains($"{toUnderlay}.51820 > {fromUnderlay}.51820: UDP", StringComparison.Ordinal),
            "between the two workers the underlay carries WireGuard's UDP and nothing in the clear");
        packets.Should().NotContain(l => l.Contains(".30081", StringComparison.Ordinal), "no packet of the TCP connection to the verification port is on the underlay");
    }

    [Test]
    [Order(4)]
    public async Task Mini_remove_takes_a_node_out_of_every_other_nodes_peers()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "remove", "node-4", "--dir", _dir).WaitAsync(Bound);
        exitCode.Should().Be(0, error);
        output.Should().Contain("removed node-4");

        var nodes = await UntilAsync(n => n.Where(node => node.GetProperty("state").GetString() != "removed").All(node => node.GetProperty("peers").GetInt32() == 3));

        nodes.Single(n => n.GetProperty("name").GetString() == "node-4").GetProperty("state").GetString().Should().Be("removed");
        var removedKey = (await RunAsync("sh", "-c", "wg pubkey < \"$0\"", Path.Combine(_dir, "nodes", "node-4", "state", "vpn", "wireguard.key"))).Trim();
        removedKey.Should().HaveLength(44);
        foreach (var node in nodes.Where(n => n.GetProperty("state").GetString() != "removed"))
        {
            var ns = node.GetProperty("netns").GetString()!;
            var peers = await RunAsync("ip", "netns", "exec", ns, "wg", "show", "all", "peers");
            peers.Should().NotContain(removedKey, $"{node.GetProperty("name")} dropped the removed node's WireGuard peer");
        }
    }

    private async Task<JsonElement[]> StatusAsync()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("mini", "status", "--json", "--dir", _dir).WaitAsync(Bound);
        exitCode.Should().Be(0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().ToArray();
    }

    /// <summary>Polls <c>mini status</c> until <paramref name="done"/> holds (a bound, not a timing assertion).</summary>
    private async Task<JsonElement[]> UntilAsync(Func<JsonElement[], bool> done)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var nodes = await StatusAsync();
            if (done(nodes) || DateTime.UtcNow > deadline)
            {
                return nodes;
            }

            await Task.Delay(500);
        }
    }

    private static async Task<string> RunAsync(params string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        process.ExitCode.Should().Be(0, $"{string.Join(' ', argv)}: {await error}{await output}");
        return await output;
    }

    private static async Task<Process> TcpdumpAsync(string ns, string device, string peer)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", ns, "tcpdump", "-i", device, "-nn", "-l", "-U", "host", peer })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardError.ReadLineAsync(bound.Token) is { } line)
        {
            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                _ = process.StandardError.ReadToEndAsync();
                return process;
            }
        }

        throw new InvalidOperationException($"tcpdump on {device} in {ns} exited before it listened");
    }

    private static async Task<string> StopAsync(Process tcpdump)
    {
        var output = tcpdump.StandardOutput.ReadToEndAsync();
        await Task.Delay(500);
        tcpdump.Kill(entireProcessTree: true);
        await tcpdump.WaitForExitAsync();
        return await output;
    }
}
