using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>
/// Azure's instance metadata service with <c>Metadata: true</c> on every request: the VM's tags (where Constellation
/// keeps the MAA URL) and THIM's VCEK chain for SEV-SNP VMs. Thread-safe; the HTTP client is the caller's.
/// </summary>
public sealed class AzureImdsClient
{
    /// <summary>The name of the <see cref="HttpClient"/> registered for this client.</summary>
    public const string HttpClientName = "Constellation.Metadata.Azure";

    /// <summary>The VM tag the Constellation CLI writes the MAA URL to.</summary>
    public const string MaaUrlTag = "constellation-maa-url";

    private const string ComputePath = "metadata/instance/compute?api-version=2021-02-01&format=json";
    private const string ThimPath = "metadata/THIM/amd/certification";
    private readonly HttpClient _http;
    private readonly AzureImdsOptions _options;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client; it must not follow redirects (<see cref="CloudMetadataHttp.CreateHandler"/>).</param>
    /// <param name="options">Address and retries; <see langword="null"/> for the defaults.</param>
    public AzureImdsClient(HttpClient http, AzureImdsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new AzureImdsOptions();
        _options.Retry.Validate(nameof(AzureImdsOptions));
    }

    /// <summary>Gets the VM's tags (<c>compute.tagsList</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Tag name → value.</returns>
    /// <exception cref="CloudMetadataException">IMDS could not be reached or refused.</exception>
    /// <exception cref="AttestationFormatException">The answer is not the compute metadata JSON.</exception>
    public async Task<IReadOnlyDictionary<string, string>> GetTagsAsync(CancellationToken cancellationToken = default)
    {
        var body = await GetAsync(ComputePath, "Azure IMDS compute metadata", cancellationToken).ConfigureAwait(false);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException($"Azure IMDS compute metadata: expected a JSON object, got {json.RootElement.ValueKind}");
            }

            if (json.RootElement.TryGetProperty("tagsList", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in list.EnumerateArray())
                {
                    if (tag.ValueKind == JsonValueKind.Object && tag.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                    {
                        tags[n.GetString()!] = tag.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"Azure IMDS compute metadata: malformed JSON: {ex.Message}", ex);
        }

        return tags;
    }

    /// <summary>Gets the MAA URL from the VM tag <see cref="MaaUrlTag"/>; empty when the tag is absent (no MAA token is then made, as upstream).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The URL text, or empty.</returns>
    /// <exception cref="CloudMetadataException">IMDS could not be reached or refused.</exception>
    public async Task<string> GetMaaUrlAsync(CancellationToken cancellationToken = default) =>
        (await GetTagsAsync(cancellationToken).ConfigureAwait(false)).TryGetValue(MaaUrlTag, out var url) ? url : string.Empty;

    /// <summary>Gets the host's VCEK and chain from THIM (<c>metadata/THIM/amd/certification</c>); both must be present.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The certificates as PEM text.</returns>
    /// <exception cref="CloudMetadataException">IMDS could not be reached or refused.</exception>
    /// <exception cref="AttestationFormatException">The answer lacks <c>vcekCert</c> or <c>certificateChain</c>.</exception>
    public async Task<AzureThimCertificates> GetThimCertificatesAsync(CancellationToken cancellationToken = default)
    {
        var body = await GetAsync(ThimPath, "Azure THIM VCEK certificates", cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            string? vcek = null, chain = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                // Go decodes this answer case-insensitively into VcekCert / CertificateChain.
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (property.Name.Equals("vcekCert", StringComparison.OrdinalIgnoreCase))
                    {
                        vcek = property.Value.GetString();
                    }
                    else if (property.Name.Equals("certificateChain", StringComparison.OrdinalIgnoreCase))
                    {
                        chain = property.Value.GetString();
                    }
                }
            }

            if (string.IsNullOrEmpty(vcek) || string.IsNullOrEmpty(chain))
            {
                throw new AttestationFormatException($"Azure THIM VCEK certificates: expected vcekCert and certificateChain, got {(string.IsNullOrEmpty(vcek) ? "no vcekCert" : "no certificateChain")}");
            }

            return new AzureThimCertificates(vcek, chain);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"Azure THIM VCEK certificates: malformed JSON: {ex.Message}", ex);
        }
    }

    private Task<byte[]> GetAsync(string path, string what, CancellationToken cancellationToken) =>
        CloudMetadataHttp.SendAsync(
            _http,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.BaseAddress, path));
                request.Headers.TryAddWithoutValidation("Metadata", "true");
                return request;
            },
            _options.Retry,
            what,
            cancellationToken);
}
