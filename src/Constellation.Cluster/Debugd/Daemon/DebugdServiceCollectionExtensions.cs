using System;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Cluster.Debugd.Daemon;

/// <summary>Registers <c>constellation-debugd</c> in a Generic Host.</summary>
public static class DebugdServiceCollectionExtensions
{
    /// <summary>Registers the debug daemon with checked settings.</summary>
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
