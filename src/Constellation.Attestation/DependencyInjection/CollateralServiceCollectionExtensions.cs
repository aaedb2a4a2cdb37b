using System;
using System.Net.Http;
using System.Threading;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>Registers the collateral clients (AMD KDS, Intel PCS) with one shared cache and an <c>IHttpClientFactory</c> client.</summary>
/// <remarks>
/// Registered as singletons: <see cref="ICollateralCache"/> (memory in front of the on-disk cache), and what
/// <see cref="CollateralClients.Create(CollateralClientOptions, HttpClient, ICollateralCache?, AttestationMetrics?, TimeProvider?)"/>
/// builds over it: <see cref="CollateralClients"/>, <see cref="CollateralFetcher"/>, <see cref="CachedCollateralSource"/>,
/// <see cref="AmdKdsClient"/> and <see cref="IntelPcsClient"/>; cache hits and misses are recorded in
/// <see cref="AttestationMetrics"/> (source <c>kds</c> or <c>pcs</c>). Their HTTP traffic goes through the named client <see cref="HttpClientName"/>,
/// which you can configure further (proxy, extra handlers) with <c>services.AddHttpClient(HttpClientName)</c>.
/// Because the clients are singletons, the handler is not rotated by the factory; its connections are recycled
/// every few minutes instead, so DNS changes of KDS or PCS are seen.
/// </remarks>
public static class CollateralServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the collateral clients use.</summary>
    public const string HttpClientName = "Constellation.Collateral";

    /// <summary>Registers the collateral clients configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets <see cref="CollateralClientOptions"/>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddConstellationCollateral(this IServiceCollection services, Action<CollateralClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CollateralClientOptions>().Configure(configure);
        return services.AddConstellationCollateralCore();
    }

    /// <summary>Registers the collateral clients bound from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="CollateralClientOptions"/>, e.g. <c>Constellation:Collateral</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddConstellationCollateral(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CollateralClientOptions>().Bind(configuration);
        return services.AddConstellationCollateralCore();
    }

    private static IServiceCollection AddConstellationCollateralCore(this IServiceCollection services)
    {
        services.AddOptions<CollateralClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CollateralClientOptions>, CollateralClientOptionsValidator>());
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(CollateralClients.CreateHttpHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient((provider, client) => client.Timeout = CollateralClients.HttpClientTimeout(Options(provider)));

        services.TryAddSingleton<ICollateralCache>(provider =>
            TieredCollateralCache.CreateDefault(Options(provider).CacheDirectory));
        services.TryAddSingleton<AttestationMetrics>();
        services.TryAddSingleton(provider => CollateralClients.Create(
            Options(provider),
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<ICollateralCache>(),
            provider.GetRequiredService<AttestationMetrics>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(provider => provider.GetRequiredService<CollateralClients>().Fetcher);
        services.TryAddSingleton(provider => provider.GetRequiredService<CollateralClients>().KdsSource);
        services.TryAddSingleton(provider => provider.GetRequiredService<CollateralClients>().AmdKds);
        services.TryAddSingleton(provider => provider.GetRequiredService<CollateralClients>().IntelPcs);
        return services;
    }

    private static CollateralClientOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<CollateralClientOptions>>().Value;
}
