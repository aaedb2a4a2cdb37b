using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.Common.Gcp;

/// <summary>
/// The GCE metadata server: every request carries <c>Metadata-Flavor: Google</c>, and an answer is only taken when it
/// carries that header too (a server that does not is not the metadata server). Gives the instance identity a GCE
/// document names (<see cref="GceInstanceInfo"/>). Thread-safe; the HTTP client is the caller's.
/// </summary>
public sealed class GceMetadataClient
{
    /// <summary>The name of the <see cref="HttpClient"/> registered for this client.</summary>
    public const string HttpClientName = "Constellation.Metadata.Gce";

    private const string Flavor = "Metadata-Flavor";
    private readonly HttpClient _http;
    private readonly GceMetadataOptions _options;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client; it must not follow redirects (<see cref="CloudMetadataHttp.CreateHandler"/>).</param>
    /// <param name="options">Address and retries; <see langword="null"/> for the defaults.</param>
    public GceMetadataClient(HttpClient http, GceMetadataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new GceMetadataOptions();
        _options.Retry.Validate(nameof(GceMetadataOptions));
    }

    /// <summary>Gets the project ID, the zone (its last path segment, as Go's metadata client returns it) and the instance name.</summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The instance identity.</returns>
    /// <exception cref="CloudMetadataException">The metadata server could not be reached, refused, or is not one.</exception>
    public async Task<GceInstanceInfo> GetInstanceInfoAsync(CancellationToken cancellationToken = default)
    {
        var project = await GetAsync("project/project-id", cancellationToken).ConfigureAwait(false);
        var zone = await GetAsync("instance/zone", cancellationToken).ConfigureAwait(false);
        var name = await GetAsync("instance/name", cancellationToken).ConfigureAwait(false);
        return new GceInstanceInfo(zone[(zone.LastIndexOf('/') + 1)..], project, name);
    }

    /// <summary>Gets one value under <c>computeMetadata/v1/</c>, e.g. <c>instance/name</c>.</summary>
    /// <param name="path">The path below <c>computeMetadata/v1/</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The value, trimmed; never empty.</returns>
    /// <exception cref="CloudMetadataException">The metadata server could not be reached, refused, answered nothing, or is not one.</exception>
    public async Task<string> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var uri = new Uri(_options.BaseAddress, "computeMetadata/v1/" + path.TrimStart('/'));
        var flavored = true;
        var body = await CloudMetadataHttp.SendAsync(
            _http,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation(Flavor, "Google");
                return request;
            },
            _options.Retry,
            $"GCE metadata {path}",
            cancellationToken,
            response => flavored = response.Headers.TryGetValues(Flavor, out var values) && values.Contains("Google", StringComparer.Ordinal)).ConfigureAwait(false);
        if (!flavored)
        {
            throw new CloudMetadataException(uri, 200, $"GCE metadata {path}: {uri} answered without \"Metadata-Flavor: Google\", so it is not the GCE metadata server");
        }

        var value = Encoding.UTF8.GetString(body).Trim();
        return value.Length > 0 ? value : throw new CloudMetadataException(uri, 200, $"GCE metadata {path}: {uri} answered an empty value");
    }
}
