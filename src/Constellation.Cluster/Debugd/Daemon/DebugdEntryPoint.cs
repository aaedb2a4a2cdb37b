using System.Collections.Generic;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.Debugd.Daemon;

/// <summary>
/// The whole of <c>constellation-debugd</c>'s <c>Main</c>, so that its own executable and the debug image's multi-call
/// executable (<c>constellation-node</c> built with debugd) run the same daemon.
/// </summary>
public static class DebugdEntryPoint
{
    /// <summary>The executable's name, in messages and as the name the debug image's multi-call executable answers to.</summary>
    public const string Name = "constellation-debugd";

    /// <summary>Runs debugd until it is stopped (exit codes: <see cref="DaemonHost"/>).</summary>
    /// <param name="args">The command line (flags; see <see cref="DebugdDaemonSettings"/>).</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args) =>
        DaemonHost.RunAsync(
            Name,
            args,
            DebugdDaemonSettings.Section,
            DebugdDaemonSettings.Keys,
            DebugdDaemonSettings.ListKeys,
            (configuration, services) =>
            {
                var settings = DebugdDaemonSettings.Read(configuration);
                services.AddConstellationDebugd(settings);
                return settings.LogLevel;
            });
}
