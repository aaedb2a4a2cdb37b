using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.Bootstrapper.Daemon;

/// <summary>
/// The whole of <c>constellation-bootstrapper</c>'s <c>Main</c>, so that its own executable and the node image's
/// multi-call executable (<c>constellation-node</c>) run the same daemon: settings, DI wiring, the Generic Host.
/// </summary>
public static class BootstrapperEntryPoint
{
    /// <summary>The executable's name, in messages and as the name the node image's multi-call executable answers to.</summary>
    public const string Name = "constellation-bootstrapper";

    /// <summary>
    /// The cluster-services executable the bootstrapper starts by default: the one beside the running executable, the
    /// .dll of a framework-dependent publish or, in a Native AOT publish (the VM image's /usr/bin), the native executable.
    /// </summary>
    public static string DefaultClusterServicesPath
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, ClusterServices.Daemon.ClusterServicesEntryPoint.Name + ".dll");
            return File.Exists(dll) ? dll : Path.Combine(AppContext.BaseDirectory, ClusterServices.Daemon.ClusterServicesEntryPoint.Name);
        }
    }

    /// <summary>Runs the bootstrapper until it is stopped (exit codes: <see cref="DaemonHost"/>).</summary>
    /// <param name="args">The command line (flags; see <see cref="BootstrapperDaemonSettings"/>).</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args) =>
        DaemonHost.RunAsync(
            Name,
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
