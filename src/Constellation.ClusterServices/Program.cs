using System.Threading.Tasks;
using Constellation.Cluster.ClusterServices.Daemon;
using Constellation.Cluster.Hosting;

namespace Constellation.ClusterServices;

/// <summary>Entry point of <c>constellation-cluster-services</c>: options binding and DI wiring; the logic is in Constellation.Cluster.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        DaemonHost.RunAsync(
            "constellation-cluster-services",
            args,
            ClusterServicesDaemonSettings.Section,
            ClusterServicesDaemonSettings.Keys,
            ClusterServicesDaemonSettings.ListKeys,
            (configuration, services) =>
            {
                var settings = ClusterServicesDaemonSettings.Read(configuration);
                services.AddConstellationClusterServices(settings);
                return settings.LogLevel;
            });
}
