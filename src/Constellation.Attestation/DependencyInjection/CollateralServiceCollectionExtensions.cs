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
/// Registered as singletons: <see cref="ICollateralCache"/> (memory in front of the on-disk cache),
/// <see cref="CollateralFetcher"/>, <see cref="CachedCollateralSource"/>, <see cref="AmdKdsClient"/> and
/// <see cref="IntelPcsClient"/>; cache hits and misses are recorded in <see cref="AttestationMetrics"/> (source
/// <c>kds</c> or <c>pcs</c>). Their HTTP traffic goes through the named client <see cref="HttpClientName"/>,
/// which you can configure further (proxy, extra handlers) with <c>services.AddHttpClient(HttpClientName)</c>.
/// Because the clients are singletons, the handler is not rotated by the factory; its connections are recycled
/// every few minutes instead, so DNS changes of KDS or PCS are seen.
/// </remarks>
public static class CollateralServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the collateral clients use.</summary>
    public const string HttpClientName = "Constellation.Collateral";

    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

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
        services.AddOptions<CollateralClientOptions>()
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero, "Constellation collateral: AttemptTimeout must be positive.")
            .Validate(o => o.MaxAttempts >= 1, "Constellation collateral: MaxAttempts must be at least 1.")
            .Validate(o => o.AmdKdsBaseUri is { IsAbsoluteUri: true } && o.IntelPcsBaseUri is { IsAbsoluteUri: true } && o.IntelRootCaCrlUri is { IsAbsoluteUri: true },
                "Constellation collateral: the KDS, PCS and root CA CRL addresses must be absolute URIs.")
            .ValidateOnStart();
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = ConnectionLifetime })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient((provider, client) =>
            {
                // The fetcher bounds each attempt itself; the client's own timeout must not cut in first.
                var o = provider.GetRequiredService<IOptions<CollateralClientOptions>>().Value;
                client.Timeout = o.AttemptTimeout + TimeSpan.FromSeconds(5);
            });

        services.TryAddSingleton<ICollateralCache>(provider =>
            TieredCollateralCache.CreateDefault(Options(provider).CacheDirectory));
        services.TryAddSingleton(provider =>
        {
            var o = Options(provider);
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new CollateralFetcher(http, new CollateralFetcherOptions
            {
                AttemptTimeout = o.AttemptTimeout,
                MaxAttempts = o.MaxAttempts,
                Offline = o.Offline,
                TimeProvider = TimeProviderOf(provider),
            });
        });
        services.TryAddSingleton<AttestationMetrics>();
        services.TryAddSingleton(provider => new CachedCollateralSource(
            provider.GetRequiredService<ICollateralCache>(), provider.GetRequiredService<CollateralFetcher>(), TimeProviderOf(provider))
        {
            Metrics = provider.GetRequiredService<AttestationMetrics>(),
            MetricsSource = "kds",
        });
        services.TryAddSingleton(provider => new AmdKdsClient(
            provider.GetRequiredService<CachedCollateralSource>(), new AmdKdsOptions { BaseUri = Options(provider).AmdKdsBaseUri }));
        services.TryAddSingleton(provider =>
        {
            var o = Options(provider);
            return new IntelPcsClient(
                provider.GetRequiredService<CollateralFetcher>(),
                provider.GetRequiredService<ICollateralCache>(),
                new IntelPcsOptions { BaseUri = o.IntelPcsBaseUri, RootCaCrlUri = o.IntelRootCaCrlUri },
                TimeProviderOf(provider))
            {
                Metrics = provider.GetRequiredService<AttestationMetrics>(),
            };
        });
        return services;
    }

    private static CollateralClientOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<CollateralClientOptions>>().Value;

    private static TimeProvider TimeProviderOf(IServiceProvider provider) => provider.GetService<TimeProvider>() ?? TimeProvider.System;
}
