using System.Threading.Tasks;
using Constellation.Cluster.Debugd.Daemon;
using Constellation.Cluster.Hosting;

namespace Constellation.Debugd;

/// <summary>Entry point of <c>constellation-debugd</c>: options binding and DI wiring; the logic is in Constellation.Cluster.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        DaemonHost.RunAsync(
            "constellation-debugd",
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
