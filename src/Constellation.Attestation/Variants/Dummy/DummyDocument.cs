using System;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.Dummy;

/// <summary>
/// The <c>dummy</c> variant's document: <c>{"UserData":"&lt;base64&gt;","Nonce":"&lt;base64&gt;"}</c>, as Go's
/// <c>encoding/json</c> writes it. It proves nothing about hardware; it exists for tests and interop peers.
/// </summary>
public sealed class DummyDocument
{
    /// <summary>Creates a document.</summary>
    /// <param name="userData">The bound user data.</param>
    /// <param name="nonce">The verifier's nonce.</param>
    public DummyDocument(ReadOnlySpan<byte> userData, ReadOnlySpan<byte> nonce)
    {
        UserData = userData.ToArray();
        Nonce = nonce.ToArray();
    }

    /// <summary>Gets the bound user data.</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>Gets the nonce.</summary>
    public ReadOnlyMemory<byte> Nonce { get; }

    /// <summary>Parses a dummy document. Field names match case-insensitively, as Go's decoder does; <c>null</c> reads as empty.</summary>
    /// <param name="utf8Json">The document bytes.</param>
    /// <returns>The document.</returns>
    /// <exception cref="AttestationFormatException">The bytes are not a dummy document.</exception>
    public static DummyDocument Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            Utf8Input.Require(utf8Json, "dummy document");
            using var json = JsonDocument.Parse(utf8Json.ToArray());
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException($"dummy document: expected a JSON object, got {json.RootElement.ValueKind}");
            }

            byte[] userData = [];
            byte[] nonce = [];
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (string.Equals(property.Name, "UserData", StringComparison.OrdinalIgnoreCase))
                {
                    userData = ReadBytes(property);
                }
                else if (string.Equals(property.Name, "Nonce", StringComparison.OrdinalIgnoreCase))
                {
                    nonce = ReadBytes(property);
                }
            }

            return new DummyDocument(userData, nonce);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"dummy document: {ex.Message}", ex);
        }
    }

    /// <summary>Serialises the document exactly as Go's <c>encoding/json</c> does.</summary>
    /// <returns>The UTF-8 JSON bytes.</returns>
    public byte[] ToJsonBytes() =>
        // Base64 needs no JSON escaping; writing the bytes directly avoids System.Text.Json's default
        // escaping of '+' (\u002B), which Go does not do.
        Encoding.UTF8.GetBytes($"{{\"UserData\":\"{Convert.ToBase64String(UserData.Span)}\",\"Nonce\":\"{Convert.ToBase64String(Nonce.Span)}\"}}");

    private static byte[] ReadBytes(JsonProperty property)
    {
        return property.Value.ValueKind switch
        {
            JsonValueKind.Null => [],
            JsonValueKind.String when property.Value.TryGetBytesFromBase64(out var bytes) => bytes,
            _ => throw new AttestationFormatException($"dummy document: field \"{property.Name}\": expected standard Base64 or null, got {property.Value.ValueKind}"),
        };
    }
}
