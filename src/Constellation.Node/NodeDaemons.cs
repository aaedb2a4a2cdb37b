using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Daemon;
using Constellation.Cluster.ClusterServices.Daemon;
using Constellation.Cluster.Debugd.Daemon;
using Constellation.Cluster.Hosting;

namespace Constellation.Node;

/// <summary>
/// The node image's daemons in one Native AOT executable, busybox-style: the image links
/// <c>/usr/bin/constellation-bootstrapper</c> and <c>/usr/bin/constellation-cluster-services</c> (and on a debug image
/// <c>constellation-debugd</c>) to <c>constellation-node</c>, and the name a process is started by picks the daemon.
/// The daemons share most of their code (the attestation library, ASP.NET Core, gRPC, the cluster library), so one
/// compile and one copy in the initramfs hold all of them. The daemon's name may also be the first argument
/// (<c>constellation-node constellation-bootstrapper --config …</c>), which is how a framework-dependent build is run.
/// </summary>
internal static class NodeDaemons
{
    /// <summary>The name of this executable.</summary>
    public const string Name = "constellation-node";

    /// <summary>The daemons this build runs, by name.</summary>
    public static IReadOnlyList<string> Names =>
        NodeBuild.HasDebugd
            ? [BootstrapperEntryPoint.Name, ClusterServicesEntryPoint.Name, DebugdEntryPoint.Name]
            : [BootstrapperEntryPoint.Name, ClusterServicesEntryPoint.Name];

    /// <summary>
    /// The name the process was started by: <c>argv[0]</c> as the kernel holds it (<c>/proc/self/cmdline</c>), not the
    /// path of the executable, which a link resolves to <c>constellation-node</c> (and which .NET reports).
    /// </summary>
    /// <returns>The first argument of the process's command line.</returns>
    public static string InvokedAs()
    {
        var commandLine = File.ReadAllBytes("/proc/self/cmdline");
        var end = Array.IndexOf(commandLine, (byte)0);
        return Encoding.UTF8.GetString(commandLine, 0, end < 0 ? commandLine.Length : end);
    }

    /// <summary>Runs the daemon <paramref name="invokedAs"/> names or, when it names none, the one the first argument names.</summary>
    /// <param name="invokedAs">The process's <c>argv[0]</c> (<see cref="InvokedAs"/>).</param>
    /// <param name="args">The remaining arguments.</param>
    /// <param name="error">Where the reason goes when no daemon is named.</param>
    /// <returns>The daemon's exit code, or <see cref="DaemonHost.InvalidConfiguration"/> when no daemon of this build is named.</returns>
    public static Task<int> RunAsync(string invokedAs, IReadOnlyList<string> args, TextWriter error)
    {
        var name = Path.GetFileName(invokedAs);
        if (name is BootstrapperEntryPoint.Name or ClusterServicesEntryPoint.Name or DebugdEntryPoint.Name)
        {
            return RunAsync(name, args, error, how: $"run as {invokedAs}");
        }

        if (args.Count == 0)
        {
            error.WriteLine($"{Name}: run as {invokedAs}, which names no daemon: run it by a link named {string.Join(" or ", Names)}, or give that name as the first argument.");
            return Task.FromResult(DaemonHost.InvalidConfiguration);
        }

        return RunAsync(args[0], args.Skip(1).ToArray(), error, how: $"asked for {args[0]}");
    }

    private static Task<int> RunAsync(string daemon, IReadOnlyList<string> args, TextWriter error, string how)
    {
        switch (daemon)
        {
            case BootstrapperEntryPoint.Name:
                return BootstrapperEntryPoint.RunAsync(args);
            case ClusterServicesEntryPoint.Name:
                return ClusterServicesEntryPoint.RunAsync(args);
            case DebugdEntryPoint.Name when NodeBuild.HasDebugd:
                return DebugdEntryPoint.RunAsync(args);
            case DebugdEntryPoint.Name:
                error.WriteLine($"{Name}: {how}, but this is a production build: {DebugdEntryPoint.Name} is not in it (debug images carry a build with it).");
                return Task.FromResult(DaemonHost.InvalidConfiguration);
            default:
                error.WriteLine($"{Name}: {how}, which is none of this build's daemons: {string.Join(", ", Names)}.");
                return Task.FromResult(DaemonHost.InvalidConfiguration);
        }
    }
}
