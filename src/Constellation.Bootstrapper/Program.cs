using System;
using System.IO;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Daemon;
using Constellation.Cluster.Hosting;

namespace Constellation.Bootstrapper;

/// <summary>Entry point of <c>constellation-bootstrapper</c>: options binding and DI wiring; the logic is in Constellation.Cluster.</summary>
internal static class Program
{
    /// <summary>
    /// The cluster-services executable the bootstrapper starts by default: the one published beside it, the .dll of a
    /// framework-dependent publish or, in a Native AOT publish (the VM image's /usr/bin), the native executable.
    /// </summary>
    private static string DefaultClusterServicesPath
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "constellation-cluster-services.dll");
            return File.Exists(dll) ? dll : Path.Combine(AppContext.BaseDirectory, "constellation-cluster-services");
        }
    }

    public static Task<int> Main(string[] args) =>
        DaemonHost.RunAsync(
            "constellation-bootstrapper",
            args,
            BootstrapperDaemonSettings.Section,
            BootstrapperDaemonSettings.Keys,
            BootstrapperDaemonSettings.ListKeys,
            BootstrapperDaemonSettings.MetadataKeys,
            (configuration, services) =>
            {
                var settings = BootstrapperDaemonSettings.Read(configuration, DefaultClusterServicesPath);
                services.AddConstellationBootstrapper(settings);
                return settings.LogLevel;
            });
}
