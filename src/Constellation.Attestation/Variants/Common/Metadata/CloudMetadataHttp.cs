using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Variants.Common.Metadata;

/// <summary>
/// The request loop every metadata client shares: a fresh request per attempt, a timeout per attempt, retries with
/// exponential backoff on transient failures only, redirects refused (a link-local service that redirects is not the
/// service), a capped body, and <see cref="CloudMetadataException"/> naming the endpoint and status for everything else.
/// </summary>
public static class CloudMetadataHttp
{
    /// <summary>
    /// Creates the primary handler metadata clients use: no proxy (the services are link-local), no redirects, no
    /// cookies, a short connect timeout. <c>AddConstellationCloudMetadata</c> configures its named clients with it.
    /// </summary>
    /// <returns>The handler.</returns>
    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    internal static async Task<byte[]> SendAsync(
        HttpClient http,
        Func<HttpRequestMessage> createRequest,
        CloudMetadataRetryOptions retry,
        string what,
        CancellationToken cancellationToken,
        Action<HttpResponseMessage>? inspect = null)
    {
        var backoff = retry.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest();
            var endpoint = WithoutQuery(request.RequestUri!);
            var (body, failure) = await TryOnceAsync(http, request, endpoint, retry, inspect, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return body!;
            }

            if (!failure.Transient || attempt >= retry.MaxAttempts)
            {
                var tries = attempt > 1 ? $" (after {attempt} attempts)" : string.Empty;
                throw new CloudMetadataException(endpoint, failure.Status, $"{what}: {failure.Message}{tries}", failure.Cause);
            }

            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff += backoff;
        }
    }

    private static async Task<(byte[]? Body, Failure? Failure)> TryOnceAsync(
        HttpClient http, HttpRequestMessage request, Uri endpoint, CloudMetadataRetryOptions retry, Action<HttpResponseMessage>? inspect, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(retry.AttemptTimeout);
        var asked = request.RequestUri!;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                // Never followed: a metadata service does not redirect, and following could leave the link-local network.
                var location = response.Headers.Location is { } l ? $" to {WithoutQuery(l)}" : string.Empty;
                return (null, new Failure(false, status, $"{endpoint} answered HTTP {status} (a redirect{location}), which is not followed"));
            }

            if (response.RequestMessage?.RequestUri is { } answered && !SameResource(answered, asked))
            {
                // A caller-supplied handler followed a redirect: the answer is not the service's.
                return (null, new Failure(false, status, $"{endpoint} was redirected to {WithoutQuery(answered)}, whose answer is not accepted"));
            }

            if (!response.IsSuccessStatusCode)
            {
                var transient = status is 408 or 429 or >= 500;
                return (null, new Failure(transient, status, $"{endpoint} answered HTTP {status} {response.ReasonPhrase}"));
            }

            if (response.Content.Headers.ContentLength > retry.MaxResponseBytes)
            {
                return (null, new Failure(false, status, $"{endpoint} announced {response.Content.Headers.ContentLength} bytes, more than the {retry.MaxResponseBytes} accepted"));
            }

            inspect?.Invoke(response);
            var body = await ReadCappedAsync(response.Content, retry.MaxResponseBytes, cts.Token).ConfigureAwait(false);
            return body is null
                ? (null, new Failure(false, status, $"{endpoint} sent more than the {retry.MaxResponseBytes} bytes accepted"))
                : (body, null);
        }
        catch (HttpRequestException ex)
        {
            return (null, new Failure(true, null, $"{endpoint} could not be reached: {ex.Message}", ex));
        }
        catch (IOException ex)
        {
            return (null, new Failure(true, null, $"{endpoint}: the answer broke off: {ex.Message}", ex));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new Failure(true, null, $"{endpoint} did not answer within {retry.AttemptTimeout.TotalSeconds:0.###} s", ex));
        }
    }

    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, int cap, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > cap)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool SameResource(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static Uri WithoutQuery(Uri uri) =>
        uri.IsAbsoluteUri ? new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty, UserName = string.Empty, Password = string.Empty }.Uri : uri;

    private sealed record Failure(bool Transient, int? Status, string Message, Exception? Cause = null);
}
