using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary>
/// Validates a Microsoft Azure Attestation (MAA) token as Constellation's Azure SNP fallback does (spec snp.md §7.4):
/// signature with the key named by <c>kid</c> from <c>{maaUrl}/certs</c> (public key of <c>x5c[0]</c>), <c>exp</c>/<c>nbf</c>
/// with one minute of leeway, and the claim <c>x-ms-runtime.client-payload.nonce</c> equal to Base64(extraData).
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MaaTokenValidator
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <summary>Creates a validator.</summary>
    /// <param name="httpClient">Used to fetch the JWKS.</param>
    /// <param name="timeProvider">The clock for <c>exp</c>/<c>nbf</c>; default system time.</param>
    public MaaTokenValidator(HttpClient httpClient, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Validates <paramref name="token"/>.</summary>
    /// <param name="token">The compact JWS.</param>
    /// <param name="maaUrl">The MAA instance URL (its <c>/certs</c> holds the JWKS).</param>
    /// <param name="extraData">The validator's <c>SHA-256(userData ‖ nonce)</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the token is valid.</returns>
    /// <exception cref="AttestationException">The token is invalid, expired, for another nonce, or the keys are unavailable.</exception>
    public async Task ValidateAsync(string token, Uri? maaUrl, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw new AttestationTrustException("the MAA token is empty (the issuer had no MAA URL)");
        }

        if (maaUrl is null)
        {
            throw new CollateralUnavailableException("no MAA URL configured: cannot fetch the MAA signing keys");
        }

        var keys = await FetchKeysAsync(maaUrl, cancellationToken).ConfigureAwait(false);
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = false,
            ClockSkew = TimeSpan.FromMinutes(1),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return (notBefore is null || now >= notBefore.Value - p.ClockSkew) && (expires is null || now <= expires.Value + p.ClockSkew);
            },
        };
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw new AttestationSignatureException($"MAA token is invalid: {result.Exception?.Message}", result.Exception);
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var expected = Convert.ToBase64String(extraData.Span);
        string? nonce = null;
        if (payload.RootElement.TryGetProperty("x-ms-runtime", out var runtime) && runtime.ValueKind == JsonValueKind.Object
            && runtime.TryGetProperty("client-payload", out var clientPayload) && clientPayload.ValueKind == JsonValueKind.Object
            && clientPayload.TryGetProperty("nonce", out var nonceElement) && nonceElement.ValueKind == JsonValueKind.String)
        {
            nonce = nonceElement.GetString();
        }

        if (nonce != expected)
        {
            throw new AttestationBindingException("x-ms-runtime.client-payload.nonce", expected, nonce ?? "(missing)");
        }
    }

    private async Task<List<SecurityKey>> FetchKeysAsync(Uri maaUrl, CancellationToken cancellationToken)
    {
        var certsUri = new Uri(maaUrl.AbsoluteUri.TrimEnd('/') + "/certs");
        byte[] body;
        try
        {
            body = await _http.GetByteArrayAsync(certsUri, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new CollateralUnavailableException($"fetching MAA signing keys from {certsUri} failed: {ex.Message}", ex);
        }

        var keys = new List<SecurityKey>();
        try
        {
            using var jwks = JsonDocument.Parse(body);
            foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (!key.TryGetProperty("x5c", out var x5c) || x5c.GetArrayLength() == 0 || !key.TryGetProperty("kid", out var kid))
                {
                    continue;
                }

                var certificate = X509CertificateLoader.LoadCertificate(x5c[0].GetBytesFromBase64());
                keys.Add(new X509SecurityKey(certificate, kid.GetString()));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
        {
            throw new CollateralUnavailableException($"MAA key set at {certsUri} is malformed: {ex.Message}", ex);
        }

        return keys.Count > 0 ? keys : throw new CollateralUnavailableException($"MAA key set at {certsUri} holds no x5c keys");
    }
}
