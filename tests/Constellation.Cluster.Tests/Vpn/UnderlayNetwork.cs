using System.Diagnostics;
using System.Security.Cryptography;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>
/// Network namespaces this test creates: one per node, each joined by a veth pair to a bridge in a bridge namespace
/// (the underlay, 192.168.77.0/24). Names carry a per-instance random prefix; dispose deletes every namespace (and with
/// them the veths), also after a failed set-up.
/// </summary>
internal sealed class UnderlayNetwork : IDisposable
{
    private readonly List<string> _namespaces = [];

    private UnderlayNetwork(string prefix) => Prefix = prefix;

    /// <summary>Gets the unique prefix of every name (namespaces, WireGuard interfaces).</summary>
    public string Prefix { get; }

    /// <summary>Gets the node namespaces, in order.</summary>
    public List<string> Nodes { get; } = [];

    /// <summary>The underlay address of node <paramref name="index"/> (0-based).</summary>
    public static string UnderlayAddress(int index) => $"192.168.77.{index + 1}";

    /// <summary>The name of node <paramref name="index"/>'s underlay interface inside its namespace.</summary>
    public const string UnderlayInterface = "eth0";

    /// <summary>Creates the namespaces; fails loudly when ip, wg or wireguard-go is missing.</summary>
    public static UnderlayNetwork Create(int nodes)
    {
        RequireTool("ip", "-V");
        RequireTool("wg", "--version");
        RequireTool("wireguard-go", "--version");
        var network = new UnderlayNetwork("cv" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)));
        try
        {
            var bridge = network.AddNamespace(network.Prefix + "-br");
            Ip("-n", bridge, "link", "add", "br0", "type", "bridge");
            Ip("-n", bridge, "link", "set", "br0", "up");
            for (var i = 0; i < nodes; i++)
            {
                var ns = network.AddNamespace($"{network.Prefix}-n{i}");
                network.Nodes.Add(ns);
                Ip("-n", ns, "link", "add", UnderlayInterface, "type", "veth", "peer", "name", $"p{i}", "netns", bridge);
                Ip("-n", bridge, "link", "set", $"p{i}", "master", "br0");
                Ip("-n", bridge, "link", "set", $"p{i}", "up");
                Ip("-n", ns, "address", "add", UnderlayAddress(i) + "/24", "dev", UnderlayInterface);
                Ip("-n", ns, "link", "set", UnderlayInterface, "up");
                Ip("-n", ns, "link", "set", "lo", "up");
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The WireGuard interface name of node <paramref name="index"/> (unique on the machine, ≤ 15 characters).</summary>
    public string WireGuardName(int index) => $"wg{Prefix}{index}";

    /// <summary>Starts <paramref name="file"/> inside a namespace with its output redirected.</summary>
    public static Process StartIn(string ns, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in (string[])["netns", "exec", ns, file, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file} in {ns}");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs <paramref name="file"/> inside a namespace to its end; fails on a non-zero exit.</summary>
    public static string RunIn(string ns, string file, params string[] arguments) => Peer.Run("ip", ["netns", "exec", ns, file, .. arguments]);

    public static string Ip(params string[] arguments) => Peer.Run("ip", arguments);

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            try
            {
                Ip("netns", "del", ns);
            }
            catch (InvalidOperationException ex)
            {
                TestContext.Progress.WriteLine($"could not delete network namespace {ns}: {ex.Message}");
            }
        }

        _namespaces.Clear();
    }

    private static void RequireTool(string tool, string argument)
    {
        try
        {
            Peer.Run(tool, argument);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Assert.Fail($"the VPN tests need {tool} (Debian iproute2, wireguard-tools, wireguard-go): {ex.Message}");
        }
    }

    private string AddNamespace(string name)
    {
        Ip("netns", "add", name);
        _namespaces.Add(name);
        return name;
    }
}
