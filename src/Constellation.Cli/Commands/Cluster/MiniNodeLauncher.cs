using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Cluster.MeasuredLaunch;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// Starts and stops one node of a local cluster: its swtpm (a power cycle: the process restarts on the same state, so the
/// PCRs are fresh and the endorsement seed, hence the AK, survives), the measured launch into it, and
/// <c>constellation-bootstrapper</c> as a detached process (in the node's namespace with <c>--network netns</c>).
/// </summary>
internal static class MiniNodeLauncher
{
    public const string BootstrapperDll = "constellation-bootstrapper.dll";

    private static readonly TimeSpan BootstrapperStopGrace = TimeSpan.FromSeconds(20);

    /// <summary>The bootstrapper's command line as measured into PCR 9 (the program's name, then its arguments).</summary>
    public static string CommandLine(string root) => $"constellation-bootstrapper --config {MiniLayout.BootConfiguration(root)}";

    /// <summary>The node's boot events: its bootstrapper directory, the cluster's command line and configuration file.</summary>
    public static IReadOnlyList<MeasuredBootEvent> BootEvents(string root, string bootstrapperDirectory) =>
        NodeBootEvents.Create(new NodeBootInputs(
            BootImageManifest.FromDirectory(bootstrapperDirectory), CommandLine(root), File.ReadAllBytes(MiniLayout.BootConfiguration(root))));

    /// <summary>The measurements a node of this cluster booted from <paramref name="bootstrapperDirectory"/> shows before it joins (what <c>mini up</c> publishes as the policy).</summary>
    public static Constellation.Attestation.MeasurementSet ExpectedMeasurements(string root, string bootstrapperDirectory) =>
        Constellation.Cluster.MeasuredLaunch.ExpectedMeasurements.Compute(BootEvents(root, bootstrapperDirectory));

    /// <summary>Checks a bootstrapper directory holds the published daemons.</summary>
    /// <exception cref="UnusableInputException">It does not.</exception>
    public static string RequireBootstrapperDirectory(string? given, string option)
    {
        var directory = Path.GetFullPath(given ?? DefaultBootstrapperDirectory());
        if (!File.Exists(Path.Combine(directory, BootstrapperDll)))
        {
            throw new UnusableInputException(
                $"{option} {directory}: expected the published node image ({BootstrapperDll}), got {(Directory.Exists(directory) ? "a directory without it" : "no such directory")}",
                $"publish it with `bash scripts/node-image.sh {(given is null ? string.Empty : directory)}`".TrimEnd() + " (default output: artifacts/node-image)");
        }

        return directory;
    }

    /// <summary>The directory <c>scripts/node-image.sh</c> publishes into: <c>artifacts/node-image</c> of the repository this CLI runs from (or the current directory's).</summary>
    public static string DefaultBootstrapperDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "node-image.sh")))
            {
                return Path.Combine(dir.FullName, "artifacts", "node-image");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "node-image");
    }

    public static async Task StartAsync(string root, MiniClusterState state, MiniNodeRecord node, Func<Task> record, CancellationToken cancellationToken)
    {
        if (node.VmImage is { } baseImage)
        {
            var bootConfiguration = await File.ReadAllBytesAsync(MiniLayout.BootConfiguration(root), cancellationToken).ConfigureAwait(false);
            var image = await MiniVmImage.ComposeAsync(root, baseImage, bootConfiguration, cancellationToken).ConfigureAwait(false);
            await MiniVmLauncher.StartAsync(root, state, node, image, record, cancellationToken).ConfigureAwait(false);
            return;
        }

        var nodeDirectory = MiniLayout.NodeDirectory(root, node.Name);
        Directory.CreateDirectory(MiniLayout.StateDirectory(root, node.Name));
        var environment = new Dictionary<string, string>
        {
            ["CONSTELLATION_BOOTSTRAPPER__NodeName"] = node.Name,
            ["CONSTELLATION_BOOTSTRAPPER__StateDirectory"] = MiniLayout.StateDirectory(root, node.Name),
            ["CONSTELLATION_BOOTSTRAPPER__ListenAddress"] = node.Address,
            ["CONSTELLATION_BOOTSTRAPPER__ControlPlane"] = node.ControlPlane ? "true" : "false",
            ["CONSTELLATION_BOOTSTRAPPER__JoinEndpoints"] = JoinEndpointsOf(state, node),
            ["CONSTELLATION_BOOTSTRAPPER__ControlPlaneNodeNames"] = string.Join(',', state.Nodes.Where(n => n.ControlPlane).Select(n => n.Name)),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",

            // The cluster store: an etcd member and a cluster-services replica on every control plane.
            ["CONSTELLATION_BOOTSTRAPPER__ClusterStore"] = "true",
        };

        // The node VPN needs a namespace per node (in one namespace the kernel would deliver VPN addresses locally).
        if (node.Namespace is not null)
        {
            environment["CONSTELLATION_BOOTSTRAPPER__Vpn"] = "true";
            environment["CONSTELLATION_BOOTSTRAPPER__VpnInterface"] = VpnInterface(state, node);
            environment["CONSTELLATION_BOOTSTRAPPER__VpnPollSeconds"] = "1";
        }

        if (state.MeasuredLaunch)
        {
            var (socket, swtpm) = StartSwtpm(root, node, ["--server", $"type=unixio,path={MiniLayout.TpmSocket(root, node.Name)}", "--ctrl", $"type=unixio,path={MiniLayout.TpmSocket(root, node.Name)}.ctrl", "--flags", "not-need-init,startup-clear"]);
            await record().ConfigureAwait(false);

            // Firmware and boot loader: the events of what this node boots, extended into its fresh PCRs.
            var events = BootEvents(root, node.BootstrapperDirectory);
            await using (var transport = await ConnectAsync(socket, swtpm, cancellationToken).ConfigureAwait(false))
            {
                var log = await MeasuredBootLauncher.LaunchAsync(transport, events, cancellationToken).ConfigureAwait(false);
                await File.WriteAllBytesAsync(MiniLayout.EventLog(root, node.Name), log, cancellationToken).ConfigureAwait(false);
            }

            environment["CONSTELLATION_BOOTSTRAPPER__Tpm"] = "swtpm:unix:" + socket;
            environment["CONSTELLATION_BOOTSTRAPPER__EventLog"] = MiniLayout.EventLog(root, node.Name);
        }

        File.Delete(MiniLayout.StatusFile(root, node.Name));
        node.StartedUtc = DateTime.UtcNow.AddSeconds(-1);
        var network = state.Network.Enter(node.Index);
        node.Bootstrapper = DetachedProcess.Start(
            [.. network, DotnetHost(), Path.Combine(node.BootstrapperDirectory, BootstrapperDll), "--config", MiniLayout.BootConfiguration(root)],
            MiniLayout.BootstrapperLog(root, node.Name),
            nodeDirectory,
            environment);
        await record().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the node's swtpm on its state directory (the endorsement seed, hence the AK, survives restarts) with the
    /// channels <paramref name="channels"/> name; returns its socket path and process.
    /// </summary>
    /// <exception cref="UnusableInputException">The socket path is too long for a Unix socket.</exception>
    public static (string Socket, DetachedProcess Process) StartSwtpm(string root, MiniNodeRecord node, IReadOnlyList<string> channels)
    {
        var socket = MiniLayout.TpmSocket(root, node.Name);
        if (socket.Length > 100)
        {
            throw new UnusableInputException($"--dir {root}: the swtpm socket path {socket} is longer than a Unix socket allows", "use a shorter cluster directory");
        }

        Directory.CreateDirectory(MiniLayout.TpmDirectory(root, node.Name));
        File.Delete(socket);
        node.Swtpm = DetachedProcess.Start(
            ["swtpm", "socket", "--tpm2", "--tpmstate", $"dir={MiniLayout.TpmDirectory(root, node.Name)}", .. channels],
            MiniLayout.SwtpmLog(root, node.Name),
            MiniLayout.NodeDirectory(root, node.Name));
        return (socket, node.Swtpm);
    }

    /// <summary>The join endpoints a node tries: the one control plane of <c>--join-via</c>, else every other control plane.</summary>
    public static string JoinEndpointsOf(MiniClusterState state, MiniNodeRecord node) =>
        node.JoinVia is { } via
            ? state.Node(via).JoinEndpoint
            : string.Join(',', state.Nodes.Where(n => n.ControlPlane && n.Name != node.Name).Select(n => n.JoinEndpoint));

    /// <summary>Stops the node's bootstrapper (SIGTERM to its group: it stops its cluster services) and its swtpm.</summary>
    public static async Task StopAsync(MiniNodeRecord node, Func<Task> record)
    {
        if (node.Bootstrapper is { } bootstrapper)
        {
            await bootstrapper.StopAsync(BootstrapperStopGrace).ConfigureAwait(false);
            node.Bootstrapper = null;
            await record().ConfigureAwait(false);
        }

        if (node.Swtpm is { } swtpm)
        {
            await swtpm.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            node.Swtpm = null;
            await record().ConfigureAwait(false);
        }
    }

    /// <summary>The node's <c>status.json</c> (a VM node's last status line on its console), or null while there is none (or it is being replaced).</summary>
    public static JsonDocument? ReadStatus(string root, MiniNodeRecord node)
    {
        if (node.VmImage is not null)
        {
            return MiniVmLauncher.ReadStatus(root, node);
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(MiniLayout.StatusFile(root, node.Name)));
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The node's WireGuard interface: unique on the machine (wireguard-go's sockets share one directory), at most 15 characters.</summary>
    public static string VpnInterface(MiniClusterState state, MiniNodeRecord node) =>
        $"{state.Network.Prefix}-w{node.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The node's VPN address, handshake count and etcd membership as its status file reports them.</summary>
    public static (string? VpnIp, int Peers, bool EtcdMember) NetworkOf(string root, MiniNodeRecord node)
    {
        using var status = ReadStatus(root, node);
        if (status is null)
        {
            return (null, 0, false);
        }

        var json = status.RootElement;
        return (
            json.TryGetProperty("vpnIp", out var ip) ? ip.GetString() : null,
            json.TryGetProperty("peers", out var peers) && peers.TryGetInt32(out var count) ? count : 0,
            json.TryGetProperty("etcdMember", out var member) && member.ValueKind == System.Text.Json.JsonValueKind.True);
    }

    public static string? StateOf(string root, MiniNodeRecord node)
    {
        using var status = ReadStatus(root, node);
        return status?.RootElement.TryGetProperty("state", out var value) == true ? value.GetString() : null;
    }

    /// <summary>The last lines of the node's log (for error messages).</summary>
    public static string Tail(string root, MiniNodeRecord node, int lines = 5)
    {
        var path = MiniLayout.BootstrapperLog(root, node.Name);
        return File.Exists(path) ? string.Join(" | ", File.ReadLines(path).TakeLast(lines)) : "(no log)";
    }

    // The dotnet host that runs this CLI (as `dotnet constellation.dll` or under `dotnet test`), else the one on PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    private static async Task<SwtpmSocketTransport> ConnectAsync(string socket, DetachedProcess swtpm, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (!swtpm.IsRunning)
            {
                throw new IOException($"swtpm (pid {swtpm.Pid}) exited before serving {socket}");
            }

            try
            {
                return await SwtpmSocketTransport.ConnectUnixAsync(socket, cancellationToken).ConfigureAwait(false);
            }
            catch (TpmTransportException ex) when (ex.InnerException is SocketException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
