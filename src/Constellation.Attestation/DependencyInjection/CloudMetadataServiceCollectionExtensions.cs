using System;
using System.Net.Http;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Constellation.Attestation.DependencyInjection;

/// <summary>
/// Registers the cloud metadata clients issuers use (<see cref="AwsImdsClient"/>, <see cref="GceMetadataClient"/>,
/// <see cref="AzureImdsClient"/>, <see cref="AzureAkCaClient"/>) as singletons over named <see cref="HttpClient"/>s
/// (their <c>HttpClientName</c> constants) whose primary handler is <see cref="CloudMetadataHttp.CreateHandler"/>: no
/// proxy, no redirects. Timeouts and retries are the clients' own (<see cref="CloudMetadataRetryOptions"/>), so the
/// <see cref="HttpClient.Timeout"/> is infinite.
/// </summary>
public static class CloudMetadataServiceCollectionExtensions
{
    /// <summary>Registers the metadata clients.</summary>
    /// <param name="services">The services.</param>
    /// <param name="aws">AWS IMDS options, or <see langword="null"/> for the defaults.</param>
    /// <param name="gce">GCE metadata options, or <see langword="null"/> for the defaults.</param>
    /// <param name="azure">Azure IMDS options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddConstellationCloudMetadata(this IServiceCollection services, AwsImdsOptions? aws = null, GceMetadataOptions? gce = null, AzureImdsOptions? azure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var name in new[] { AwsImdsClient.HttpClientName, GceMetadataClient.HttpClientName, AzureImdsClient.HttpClientName, AzureAkCaClient.HttpClientName })
        {
            services.AddHttpClient(name)
                .ConfigurePrimaryHttpMessageHandler(CloudMetadataHttp.CreateHandler)
                .ConfigureHttpClient(client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        }

        services.TryAddSingleton(provider => new AwsImdsClient(Client(provider, AwsImdsClient.HttpClientName), aws));
        services.TryAddSingleton(provider => new GceMetadataClient(Client(provider, GceMetadataClient.HttpClientName), gce));
        services.TryAddSingleton(provider => new AzureImdsClient(Client(provider, AzureImdsClient.HttpClientName), azure));
        services.TryAddSingleton(provider => new AzureAkCaClient(Client(provider, AzureAkCaClient.HttpClientName)));
        return services;
    }

    private static HttpClient Client(IServiceProvider provider, string name) =>
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
