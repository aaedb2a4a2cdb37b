using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Daemon;

namespace Constellation.Bootstrapper;

/// <summary>Entry point of <c>constellation-bootstrapper</c>; the daemon (settings, DI wiring, host) is <see cref="BootstrapperEntryPoint"/> in Constellation.Cluster.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => BootstrapperEntryPoint.RunAsync(args);
}
