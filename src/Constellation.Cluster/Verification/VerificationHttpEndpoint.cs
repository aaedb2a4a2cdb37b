using System;
using System.Buffers;
using System.Text.Json;
using System.Threading.Tasks;
using Constellation.Attestation;
using Microsoft.AspNetCore.Http;

namespace Constellation.Cluster.Verification;

/// <summary>
/// The verification service's HTTP form: <c>GET /?nonce=&lt;base64url with padding&gt;</c> answers
/// <c>200 application/json {"data":"&lt;std base64 of the document&gt;"}</c>; errors are 400/500 with a text body.
/// Like Constellation's, the handler answers every path and method.
/// </summary>
public static class VerificationHttpEndpoint
{
    /// <summary>Handles one request.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="service">The verification service.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static async Task HandleAsync(HttpContext context, VerificationService service)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        var nonces = context.Request.Query["nonce"];
        if (nonces.Count != 1 || string.IsNullOrEmpty(nonces[0]))
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, $"nonce parameter: expected exactly one non-empty value, got {nonces.Count}").ConfigureAwait(false);
            return;
        }

        byte[] nonce;
        try
        {
            nonce = DecodeBase64Url(nonces[0]!);
        }
        catch (FormatException)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, "nonce parameter: expected Base64 (URL alphabet, padded)").ConfigureAwait(false);
            return;
        }

        if (nonce.Length == 0)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, "nonce is required to issue attestation").ConfigureAwait(false);
            return;
        }

        byte[] document;
        try
        {
            document = await service.GetAttestationAsync(nonce, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AttestationException ex)
        {
            await WriteTextAsync(context, StatusCodes.Status500InternalServerError, $"issuing attestation: {ex.Message}").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(DataResponse(document), context.RequestAborted).ConfigureAwait(false);
    }

    // {"data":"<std base64>"}, written directly (no reflection: the hosts publish as Native AOT).
    private static ReadOnlyMemory<byte> DataResponse(byte[] document)
    {
        var buffer = new ArrayBufferWriter<byte>(document.Length * 4 / 3 + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBase64String("data", document);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static byte[] DecodeBase64Url(string value)
    {
        var standard = value.Replace('-', '+').Replace('_', '/');
        if (standard.Length % 4 != 0)
        {
            throw new FormatException("not padded");
        }

        return Convert.FromBase64String(standard);
    }

    private static Task WriteTextAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
