using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// Downloads collateral over HTTP with per-attempt timeouts, bounded retries with exponential back-off,
/// and <c>Retry-After</c> honoured on 429/503. Every failure surfaces as <see cref="CollateralUnavailableException"/>
/// naming the URI, the attempts made and the last cause.
/// </summary>
/// <remarks>
/// Thread-safe (the <see cref="HttpClient"/> is shared; each call uses its own request).
/// Retried: connection errors, attempt timeouts, 408, 429, 500, 502, 503, 504. Anything else (e.g. 404) fails at once.
/// In offline mode (<see cref="CollateralFetcherOptions.Offline"/>) nothing is sent.
/// </remarks>
public sealed class CollateralFetcher
{
    private readonly HttpClient _http;

    /// <summary>Creates a fetcher.</summary>
    /// <param name="httpClient">The client to send requests with; its own <see cref="HttpClient.Timeout"/> should be at least <see cref="CollateralFetcherOptions.AttemptTimeout"/>.</param>
    /// <param name="options">Resilience options, or <see langword="null"/> for <see cref="CollateralFetcherOptions.Default"/>.</param>
    public CollateralFetcher(HttpClient httpClient, CollateralFetcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= CollateralFetcherOptions.Default;
        options.Validate();
        _http = httpClient;
        Options = options;
    }

    /// <summary>Gets the options in force.</summary>
    public CollateralFetcherOptions Options { get; }

    /// <summary>Fetches <paramref name="uri"/> with a GET request that <paramref name="configureRequest"/> may amend (e.g. headers).</summary>
    /// <param name="uri">The absolute URI.</param>
    /// <param name="configureRequest">Called for every attempt's request; may add headers. May be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the whole operation, including back-off waits.</param>
    /// <returns>The successful response.</returns>
    /// <exception cref="CollateralUnavailableException">Offline mode, a non-retryable status, or all attempts failed.</exception>
    public async Task<CollateralResponse> FetchAsync(Uri uri, Action<HttpRequestMessage>? configureRequest = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The collateral URI must be absolute.", nameof(uri));
        }

        if (Options.Offline)
        {
            throw new CollateralUnavailableException($"offline mode: not fetching {uri}");
        }

        string lastFailure = "no attempt made";
        for (var attempt = 1; attempt <= Options.MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan? serverDelay = null;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCts.CancelAfter(Options.AttemptTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    configureRequest?.Invoke(request);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        var body = await ReadBodyAsync(response, uri, attemptCts.Token).ConfigureAwait(false);
                        return new CollateralResponse(uri, body, CollectHeaders(response));
                    }

                    var status = (int)response.StatusCode;
                    lastFailure = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
                    if (!IsRetryable(response.StatusCode))
                    {
                        throw new CollateralUnavailableException($"fetching {uri} failed: {lastFailure} (not retried)");
                    }

                    serverDelay = RetryAfter(response);
                    if (serverDelay is { } asked && asked > Options.MaxRetryAfter)
                    {
                        throw new CollateralUnavailableException(
                            $"fetching {uri} failed: {lastFailure}; the server asked to retry after {asked.TotalSeconds:0.###} s, more than the allowed {Options.MaxRetryAfter.TotalSeconds:0.###} s");
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastFailure = $"attempt timed out after {Options.AttemptTimeout.TotalSeconds:0.###} s";
                }
                catch (HttpRequestException ex)
                {
                    lastFailure = $"connection error: {ex.Message}";
                }
                catch (IOException ex)
                {
                    lastFailure = $"I/O error: {ex.Message}";
                }
            }

            if (attempt == Options.MaxAttempts)
            {
                break;
            }

            var delay = serverDelay ?? Backoff(attempt);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new CollateralUnavailableException(
            $"fetching {uri} failed after {Options.MaxAttempts} attempt{(Options.MaxAttempts == 1 ? string.Empty : "s")}: {lastFailure}");
    }

    private static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout
        or HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable
        or HttpStatusCode.GatewayTimeout;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - Options.TimeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, attempt - 1);
        var ticks = Math.Min(Options.InitialBackoff.Ticks * factor, Options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, Uri uri, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > Options.MaxResponseBytes)
        {
            throw new CollateralUnavailableException($"fetching {uri} failed: response of {declared} bytes exceeds the limit of {Options.MaxResponseBytes} bytes");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > Options.MaxResponseBytes)
                {
                    throw new CollateralUnavailableException($"fetching {uri} failed: response exceeds the limit of {Options.MaxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static Dictionary<string, string> CollectHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return headers;
    }
}
