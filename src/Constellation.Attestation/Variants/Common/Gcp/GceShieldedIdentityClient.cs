using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Variants.GcpSevSnp;
using Google.Apis.Auth.OAuth2;

namespace Constellation.Attestation.Variants.Common.Gcp;

/// <summary>
/// Calls the GCE Compute REST API <c>GET {endpoint}projects/{project}/zones/{zone}/instances/{instance}/getShieldedInstanceIdentity</c>
/// with an OAuth2 bearer token from Google.Apis.Auth credentials. It serves gcp-sev-es (<see cref="IGceShieldedIdentityClient"/>)
/// and gcp-sev-snp (<see cref="IGceShieldedIdentitySource"/>) alike. Thread-safe.
/// </summary>
public sealed class GceShieldedIdentityClient : IGceShieldedIdentityClient, IGceShieldedIdentitySource
{
    /// <summary>The public Compute API v1 endpoint.</summary>
    public static readonly Uri DefaultEndpoint = new("https://compute.googleapis.com/compute/v1/");

    private const string ComputeReadOnlyScope = "https://www.googleapis.com/auth/compute.readonly";

    private readonly HttpClient _http;
    private readonly ITokenAccess _credential;
    private readonly Uri _endpoint;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client (owned by the caller).</param>
    /// <param name="credential">The credential giving access tokens (e.g. <c>GoogleCredential.GetApplicationDefault().CreateScoped(...)</c>).</param>
    /// <param name="endpoint">The Compute API base, ending in <c>/</c>; <see langword="null"/> for <see cref="DefaultEndpoint"/>.</param>
    public GceShieldedIdentityClient(HttpClient http, ITokenAccess credential, Uri? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credential);
        _http = http;
        _credential = credential;
        _endpoint = endpoint ?? DefaultEndpoint;
    }

    /// <summary>Creates a client with Application Default Credentials scoped to compute.readonly.</summary>
    /// <param name="http">The HTTP client (owned by the caller).</param>
    /// <param name="cancellationToken">Cancels loading the credentials.</param>
    /// <returns>The client.</returns>
    public static async Task<GceShieldedIdentityClient> CreateWithDefaultCredentialsAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        var credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new GceShieldedIdentityClient(http, credential.CreateScoped(ComputeReadOnlyScope));
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var uri = new Uri(_endpoint, string.Create(CultureInfo.InvariantCulture,
            $"projects/{Uri.EscapeDataString(instance.ProjectId)}/zones/{Uri.EscapeDataString(instance.Zone)}/instances/{Uri.EscapeDataString(instance.InstanceName)}/getShieldedInstanceIdentity"));
        string body;
        try
        {
            var token = await _credential.GetAccessTokenForRequestAsync(uri.ToString(), cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new CollateralUnavailableException(
                    $"GCE getShieldedInstanceIdentity for {instance.ProjectId}/{instance.Zone}/{instance.InstanceName}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new CollateralUnavailableException($"GCE getShieldedInstanceIdentity for {instance.ProjectId}/{instance.Zone}/{instance.InstanceName}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Google.Apis.Auth reports credential problems this way.
            throw new CollateralUnavailableException($"GCE credentials: {ex.Message}", ex);
        }

        return ParseSigningKey(body);
    }

    /// <inheritdoc />
    public async Task<string> GetSigningKeyPemAsync(string projectId, string zone, string instanceName, CancellationToken cancellationToken)
    {
        var key = await GetSigningKeyAsync(new GceInstanceInfo(zone, projectId, instanceName), cancellationToken).ConfigureAwait(false);
        return PemEncoding.WriteString("PUBLIC KEY", key.Span);
    }

    internal static byte[] ParseSigningKey(string body)
    {
        string? pem;
        try
        {
            using var json = JsonDocument.Parse(body);
            pem = json.RootElement.TryGetProperty("signingKey", out var signingKey) && signingKey.TryGetProperty("ekPub", out var ekPub)
                ? ekPub.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new AttestationFormatException($"GCE shielded instance identity: malformed JSON: {ex.Message}", ex);
        }

        if (string.IsNullOrEmpty(pem))
        {
            throw new AttestationFormatException("GCE shielded instance identity: signingKey.ekPub: expected a PEM public key, got nothing");
        }

        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
        {
            throw new AttestationFormatException("GCE shielded instance identity: signingKey.ekPub: expected a PEM \"PUBLIC KEY\" block");
        }

        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
