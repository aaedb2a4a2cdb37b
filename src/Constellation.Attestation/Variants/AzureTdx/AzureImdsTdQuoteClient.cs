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
    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly Uri endpoint;
    private readonly TimeSpan timeout;

    public AzureImdsTdQuoteClient(AzureTdxIssuerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ownsHttp = options.HttpClient is null;
        http = options.HttpClient ?? new HttpClient(new SocketsHttpHandler { UseProxy = false });
        endpoint = new Uri(options.ImdsBaseAddress, QuotePath);
        timeout = options.Timeout;
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

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        byte[] response;
        try
        {
            using var reply = await http.SendAsync(request, cts.Token).ConfigureAwait(false);
            response = await reply.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            if (!reply.IsSuccessStatusCode)
            {
                throw new AttestationException($"Azure IMDS TD quote request to {endpoint} failed: HTTP {(int)reply.StatusCode} {reply.ReasonPhrase}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new AttestationException($"Azure IMDS TD quote request to {endpoint} failed: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AttestationException($"Azure IMDS TD quote request to {endpoint} timed out after {timeout.TotalSeconds:0.#} s", ex);
        }

        return ParseQuote(response);
    }

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
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
            throw new AttestationFormatException($"Azure IMDS TD quote response from {endpoint} is not JSON: {ex.Message}", ex);
        }

        if (string.IsNullOrEmpty(quote))
        {
            throw new AttestationFormatException($"Azure IMDS TD quote response from {endpoint} has no \"quote\" string");
        }

        try
        {
            return Base64Url.DecodeFromChars(quote);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"Azure IMDS TD quote response from {endpoint}: \"quote\" is not base64url ({ex.Message})", ex);
        }
    }
}
