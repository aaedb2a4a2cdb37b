using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.QemuTdx;

/// <summary>The qemu-tdx attestation document: <c>{"RawQuote": base64, "UserData": base64}</c> (Constellation's shape). Immutable.</summary>
public sealed class QemuTdxDocument
{
    /// <summary>Creates a document.</summary>
    /// <param name="rawQuote">The TD quote.</param>
    /// <param name="userData">The user data the quote is bound to.</param>
    public QemuTdxDocument(ReadOnlyMemory<byte> rawQuote, ReadOnlyMemory<byte> userData)
    {
        RawQuote = rawQuote;
        UserData = userData;
    }

    /// <summary>Gets the TD quote.</summary>
    public ReadOnlyMemory<byte> RawQuote { get; }

    /// <summary>Gets the user data.</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>Parses a document.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The document.</returns>
    /// <exception cref="AttestationFormatException">Malformed JSON or missing fields.</exception>
    public static QemuTdxDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "qemu-tdx document");
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != json.Length || doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException("qemu-tdx document: expected a single JSON object");
            }

            return new QemuTdxDocument(Bytes(doc.RootElement, nameof(RawQuote)), Bytes(doc.RootElement, nameof(UserData)));
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"qemu-tdx document: invalid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Serializes the document.</summary>
    /// <returns>UTF-8 JSON.</returns>
    public byte[] ToJson()
    {
        using var buffer = new System.IO.MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBase64String(nameof(RawQuote), RawQuote.Span);
            w.WriteBase64String(nameof(UserData), UserData.Span);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Bytes(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw new AttestationFormatException($"qemu-tdx document: missing \"{name}\"");
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes)
            ? bytes
            : throw new AttestationFormatException($"qemu-tdx document: \"{name}\" must be base64");
    }
}
