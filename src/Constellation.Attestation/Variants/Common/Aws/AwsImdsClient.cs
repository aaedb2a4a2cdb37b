using System;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.Common.Aws;

/// <summary>
/// The EC2 instance metadata service, IMDSv2 only: a session token first (<c>PUT latest/api/token</c> with
/// <c>X-aws-ec2-metadata-token-ttl-seconds</c>), then every read with <c>X-aws-ec2-metadata-token</c>. IMDSv1 (reads
/// without a token) is never used. Thread-safe; the HTTP client is the caller's (see <c>AddConstellationCloudMetadata</c>).
/// </summary>
public sealed class AwsImdsClient
{
    /// <summary>The name of the <see cref="HttpClient"/> registered for this client.</summary>
    public const string HttpClientName = "Constellation.Metadata.Aws";

    private const string TokenPath = "latest/api/token";
    private const string IdentityDocumentPath = "latest/dynamic/instance-identity/document";
    private readonly HttpClient _http;
    private readonly AwsImdsOptions _options;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client; it must not follow redirects (<see cref="CloudMetadataHttp.CreateHandler"/>).</param>
    /// <param name="options">Address, token lifetime and retries; <see langword="null"/> for the defaults.</param>
    public AwsImdsClient(HttpClient http, AwsImdsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new AwsImdsOptions();
        _options.Retry.Validate(nameof(AwsImdsOptions));
        var seconds = _options.TokenLifetime.TotalSeconds;
        if (seconds < 1 || seconds > 21600)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.TokenLifetime, "AwsImdsOptions.TokenLifetime: IMDS accepts 1 s to 6 h");
        }
    }

    /// <summary>
    /// Gets the instance identity document (<c>latest/dynamic/instance-identity/document</c>), the aws-nitro-tpm
    /// InstanceInfo, as IMDS sends it; it must be a JSON object with <c>region</c> and <c>imageId</c>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The document's JSON bytes.</returns>
    /// <exception cref="CloudMetadataException">IMDS could not be reached or refused.</exception>
    /// <exception cref="AttestationFormatException">The document lacks <c>region</c> or <c>imageId</c>.</exception>
    public async Task<byte[]> GetInstanceIdentityDocumentAsync(CancellationToken cancellationToken = default)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        var document = await CloudMetadataHttp.SendAsync(
            _http,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.BaseAddress, IdentityDocumentPath));
                request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
                return request;
            },
            _options.Retry,
            "AWS IMDS instance identity document",
            cancellationToken).ConfigureAwait(false);

        // Refuse to send what the validator would refuse.
        AwsInstanceIdentity.Parse(document);
        return document;
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var ttl = ((int)_options.TokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var body = await CloudMetadataHttp.SendAsync(
            _http,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_options.BaseAddress, TokenPath));
                request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", ttl);
                return request;
            },
            _options.Retry,
            "AWS IMDSv2 session token",
            cancellationToken).ConfigureAwait(false);
        var token = Encoding.ASCII.GetString(body).Trim();
        if (token.Length == 0 || token.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7E))
        {
            // The token's value stays out of the message: it is a credential.
            throw new CloudMetadataException(new Uri(_options.BaseAddress, TokenPath), 200, $"AWS IMDSv2 session token: expected a printable token, got {body.Length} bytes that are not one");
        }

        return token;
    }
}
