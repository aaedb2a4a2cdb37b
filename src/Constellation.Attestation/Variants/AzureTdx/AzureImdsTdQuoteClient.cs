using System;
using System.Buffers.Text;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// The Azure IMDS TD quote exchange (spec tdx.md §3.3): <c>POST acc/tdquote</c> with <c>{"report": base64url(TDREPORT)}</c>,
/// answered by <c>{"quote": base64url(quote)}</c> (no padding either way). Thread-safe.
/// </summary>
internal sealed class AzureImdsTdQuoteClient : IDisposable
{
    private const string QuotePath = "acc/tdquote";
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _endpoint;
    private readonly TimeSpan _timeout;

    public AzureImdsTdQuoteClient(AzureTdxIssuerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ownsHttp = options.HttpClient is null;
        _http = options.HttpClient ?? new HttpClient(new SocketsHttpHandler { UseProxy = false });
        _endpoint = new Uri(options.ImdsBaseAddress, QuotePath);
        _timeout = options.Timeout;
    }

    public async Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> tdReport, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("report", Base64Url.EncodeToString(tdReport.Span));
            w.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        byte[] response;
        try
        {
            using var reply = await _http.SendAsync(request, cts.Token).ConfigureAwait(false);
            response = await reply.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            if (!reply.IsSuccessStatusCode)
            {
                throw new AttestationException($"Azure IMDS TD quote request to {_endpoint} failed: HTTP {(int)reply.StatusCode} {reply.ReasonPhrase}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new AttestationException($"Azure IMDS TD quote request to {_endpoint} failed: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AttestationException($"Azure IMDS TD quote request to {_endpoint} timed out after {_timeout.TotalSeconds:0.#} s", ex);
        }

        return ParseQuote(response);
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private byte[] ParseQuote(byte[] response)
    {
        string? quote;
        try
        {
            using var doc = JsonDocument.Parse(response);
            quote = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("quote", out var q) && q.ValueKind == JsonValueKind.String
                ? q.GetString()
                : null;
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"Azure IMDS TD quote response from {_endpoint} is not JSON: {ex.Message}", ex);
        }

        if (string.IsNullOrEmpty(quote))
        {
            throw new AttestationFormatException($"Azure IMDS TD quote response from {_endpoint} has no \"quote\" string");
        }

        try
        {
            return Base64Url.DecodeFromChars(quote);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"Azure IMDS TD quote response from {_endpoint}: \"quote\" is not base64url ({ex.Message})", ex);
        }
    }
}
