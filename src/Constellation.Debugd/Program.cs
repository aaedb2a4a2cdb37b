using System.Threading.Tasks;
using Constellation.Cluster.Debugd.Daemon;

namespace Constellation.Debugd;

/// <summary>Entry point of <c>constellation-debugd</c>; the daemon (settings, DI wiring, host) is <see cref="DebugdEntryPoint"/> in Constellation.Cluster.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => DebugdEntryPoint.RunAsync(args);
}
