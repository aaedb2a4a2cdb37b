using System.Threading.Tasks;
using Constellation.Cluster.ClusterServices.Daemon;

namespace Constellation.ClusterServices;

/// <summary>Entry point of <c>constellation-cluster-services</c>; the daemon (settings, DI wiring, host) is <see cref="ClusterServicesEntryPoint"/> in Constellation.Cluster.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => ClusterServicesEntryPoint.RunAsync(args);
}
