using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// Where a local cluster's nodes live on the network. <c>netns</c>: a namespace <c>&lt;prefix&gt;-br</c> holding a bridge,
/// one namespace <c>&lt;prefix&gt;-nI</c> per node with a veth to that bridge and the address <c>10.250.S.(10+I)</c>, and a
/// veth <c>&lt;prefix&gt;h</c> in the host namespace (address <c>10.250.S.1</c>) through which the CLI reaches the nodes;
/// no route leaves those namespaces. <c>loopback</c>: every node on its own <c>127.X.Y.(10+I)</c>. The prefix is
/// random per cluster and checked against existing namespaces and interfaces, so two clusters and leftovers never collide;
/// everything made is recorded in the state file, and <see cref="RemoveAsync"/> removes exactly that.
/// </summary>
internal sealed class MiniNetwork
{
    public const string Netns = "netns";
    public const string Loopback = "loopback";

    public string Mode { get; set; } = Loopback;

    /// <summary>Gets or sets the per-cluster name prefix (<c>c</c> and 5 hex digits).</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the first three octets of node addresses (<c>10.250.S</c> or <c>127.X.Y</c>).</summary>
    public string Subnet { get; set; } = string.Empty;

    /// <summary>Gets or sets the namespaces <c>mini</c> created, in creation order.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Gets or sets the interfaces <c>mini</c> created in the host namespace.</summary>
    public List<string> HostInterfaces { get; set; } = [];

    public string BridgeNamespace => Prefix + "-br";

    public static async Task<MiniNetwork> CreateAsync(string mode, CancellationToken cancellationToken)
    {
        var existing = mode == Netns ? await ExistingNamesAsync(cancellationToken).ConfigureAwait(false) : [];
        var used = mode == Netns ? await RunAsync(["ip", "-o", "-4", "addr"], cancellationToken).ConfigureAwait(false) : string.Empty;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var random = RandomNumberGenerator.GetBytes(3);
            var prefix = "c" + Convert.ToHexStringLower(random)[..5];
            var subnet = mode == Netns
                ? $"10.250.{random[0].ToString(CultureInfo.InvariantCulture)}"
                : $"127.{(random[1] % 200 + 20).ToString(CultureInfo.InvariantCulture)}.{random[2].ToString(CultureInfo.InvariantCulture)}";
            if (existing.Any(n => n.StartsWith(prefix, StringComparison.Ordinal)) || used.Contains(" " + subnet + ".", StringComparison.Ordinal))
            {
                continue;
            }

            var network = new MiniNetwork { Mode = mode, Prefix = prefix, Subnet = subnet };
            return network;
        }

        throw new IOException("mini: no free cluster prefix and subnet after 50 attempts");
    }

    /// <summary>Checks that this machine can make network namespaces, veth pairs and bridges (as root), by making and removing one.</summary>
    /// <returns>Null when it can, else why not.</returns>
    public static async Task<string?> ProbeNetnsAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "network namespaces need root on Linux";
        }

        var probe = "cprobe" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        try
        {
            await RunAsync(["ip", "netns", "add", probe], cancellationToken).ConfigureAwait(false);
            await RunAsync(["ip", "-n", probe, "link", "add", "br0", "type", "bridge"], cancellationToken).ConfigureAwait(false);
            await RunAsync(["ip", "-n", probe, "link", "add", "va", "type", "veth", "peer", "name", "vb"], cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
        finally
        {
            try
            {
                await RunAsync(["ip", "netns", "del", probe], CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // It was never made.
            }
        }
    }

    public string NodeAddress(int index) => $"{Subnet}.{(10 + index).ToString(CultureInfo.InvariantCulture)}";

    public string? NodeNamespace(int index) => Mode == Netns ? $"{Prefix}-n{index.ToString(CultureInfo.InvariantCulture)}" : null;

    /// <summary>Makes the bridge namespace and the CLI's veth (netns; nothing for loopback). Each step is recorded before the next.</summary>
    public async Task SetUpAsync(Func<Task> record, CancellationToken cancellationToken)
    {
        if (Mode != Netns)
        {
            return;
        }

        await AddNamespaceAsync(BridgeNamespace, record, cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", BridgeNamespace, "link", "add", "br0", "type", "bridge"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", BridgeNamespace, "link", "set", "br0", "up"], cancellationToken).ConfigureAwait(false);
        var host = Prefix + "h";
        HostInterfaces.Add(host);
        await record().ConfigureAwait(false);
        await RunAsync(["ip", "link", "add", host, "type", "veth", "peer", "name", Prefix + "hb", "netns", BridgeNamespace], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", BridgeNamespace, "link", "set", Prefix + "hb", "master", "br0", "up"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "addr", "add", $"{Subnet}.1/24", "dev", host], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "link", "set", host, "up"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes a node's namespace and its veth to the bridge (netns; nothing for loopback).</summary>
    public async Task AddNodeAsync(int index, Func<Task> record, CancellationToken cancellationToken)
    {
        if (NodeNamespace(index) is not { } ns)
        {
            return;
        }

        await AddNamespaceAsync(ns, record, cancellationToken).ConfigureAwait(false);
        var bridgeSide = $"{Prefix}n{index.ToString(CultureInfo.InvariantCulture)}b";
        await RunAsync(["ip", "-n", ns, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", BridgeNamespace, "link", "add", bridgeSide, "type", "veth", "peer", "name", "eth0", "netns", ns], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", BridgeNamespace, "link", "set", bridgeSide, "master", "br0", "up"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", ns, "addr", "add", $"{NodeAddress(index)}/24", "dev", "eth0"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", ns, "link", "set", "eth0", "up"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A VM node's tap device on the bridge (at most 15 characters: <c>c</c>, 5 hex digits, <c>t</c>, the index).</summary>
    public string TapName(int index) => $"{Prefix}t{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Makes a VM node's tap device on the bridge (netns only): QEMU runs in the bridge namespace and attaches the
    /// guest's NIC to it, so the guest itself holds the node address. It goes with the bridge namespace.
    /// </summary>
    public async Task AddVmNodeAsync(int index, CancellationToken cancellationToken)
    {
        if (Mode != Netns)
        {
            throw new InvalidOperationException("VM nodes need the netns network");
        }

        await RunAsync(["ip", "-n", BridgeNamespace, "tuntap", "add", "dev", TapName(index), "mode", "tap"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["ip", "-n", BridgeNamespace, "link", "set", TapName(index), "master", "br0", "up"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command prefix that runs a program in the bridge namespace (where VM nodes' tap devices are).</summary>
    public IReadOnlyList<string> EnterBridge() => ["ip", "netns", "exec", BridgeNamespace];

    /// <summary>The command prefix that runs a program in a node's namespace (empty for loopback).</summary>
    public IReadOnlyList<string> Enter(int index) => NodeNamespace(index) is { } ns ? ["ip", "netns", "exec", ns] : [];

    /// <summary>Removes what was recorded (namespaces, which takes their veths with them, then host interfaces); returns what it removed.</summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var existing = await ExistingNamesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ns in Enumerable.Reverse(Namespaces))
        {
            if (existing.Contains(ns))
            {
                await RunAsync(["ip", "netns", "del", ns], cancellationToken).ConfigureAwait(false);
                removed.Add("namespace " + ns);
            }
        }

        existing = await ExistingNamesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var link in HostInterfaces)
        {
            if (existing.Contains(link))
            {
                await RunAsync(["ip", "link", "del", link], cancellationToken).ConfigureAwait(false);
                removed.Add("interface " + link);
            }
        }

        return removed;
    }

    /// <summary>Names of namespaces and host interfaces that exist now.</summary>
    public static async Task<HashSet<string>> ExistingNamesAsync(CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return names;
        }

        if (Directory.Exists("/run/netns"))
        {
            names.UnionWith(Directory.EnumerateFileSystemEntries("/run/netns").Select(Path.GetFileName).OfType<string>());
        }

        var links = await RunAsync(["ip", "-o", "link"], cancellationToken).ConfigureAwait(false);
        foreach (var line in links.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length > 1)
            {
                names.Add(parts[1].Trim().Split('@')[0]);
            }
        }

        return names;
    }

    private async Task AddNamespaceAsync(string ns, Func<Task> record, CancellationToken cancellationToken)
    {
        Namespaces.Add(ns);
        await record().ConfigureAwait(false);
        await RunAsync(["ip", "netns", "add", ns], cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new IOException($"{command[0]} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"{string.Join(' ', command)}: exit code {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
        }

        return await output.ConfigureAwait(false);
    }
}
