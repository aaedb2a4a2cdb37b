using System;
using Constellation.Cluster.Bootstrapper.Daemon;
using Constellation.Cluster.ClusterServices.Daemon;
using Constellation.Cluster.Debugd.Daemon;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Cluster.Hosting;

/// <summary>Registers the daemons in a Generic Host.</summary>
public static class DaemonServiceCollectionExtensions
{
    /// <summary>Registers <c>constellation-bootstrapper</c> with checked settings.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="settings">The settings (<see cref="BootstrapperDaemonSettings.Read"/>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddConstellationBootstrapper(this IServiceCollection services, BootstrapperDaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddHostedService<BootstrapperDaemon>();
        return services;
    }

    /// <summary>Registers <c>constellation-cluster-services</c> with checked settings.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="settings">The settings (<see cref="ClusterServicesDaemonSettings.Read"/>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddConstellationClusterServices(this IServiceCollection services, ClusterServicesDaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddHostedService<ClusterServicesDaemon>();
        return services;
    }

    /// <summary>Registers <c>constellation-debugd</c> (debug images only) with checked settings.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="settings">The settings (<see cref="DebugdDaemonSettings.Read"/>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddConstellationDebugd(this IServiceCollection services, DebugdDaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddHostedService<DebugdDaemon>();
        return services;
    }
}
