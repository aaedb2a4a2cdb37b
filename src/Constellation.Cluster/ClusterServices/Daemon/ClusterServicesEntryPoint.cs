using System.Collections.Generic;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.ClusterServices.Daemon;

/// <summary>
/// The whole of <c>constellation-cluster-services</c>' <c>Main</c>, so that its own executable and the node image's
/// multi-call executable (<c>constellation-node</c>) run the same daemon.
/// </summary>
public static class ClusterServicesEntryPoint
{
    /// <summary>The executable's name, in messages and as the name the node image's multi-call executable answers to.</summary>
    public const string Name = "constellation-cluster-services";

    /// <summary>Runs the cluster services until they are stopped (exit codes: <see cref="DaemonHost"/>).</summary>
    /// <param name="args">The command line (flags; see <see cref="ClusterServicesDaemonSettings"/>).</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args) =>
        DaemonHost.RunAsync(
            Name,
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
