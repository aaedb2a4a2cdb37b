using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// The azure-tdx instance info: <c>{"AttestationReport": base64 TD quote, "RuntimeData": base64 HCL runtime data}</c>
/// (Go's default field names and byte-slice encoding). Immutable.
/// </summary>
public sealed class AzureTdxInstanceInfo
{
    /// <summary>Creates instance info.</summary>
    /// <param name="attestationReport">The TD quote (v4) obtained for the HCL TDREPORT.</param>
    /// <param name="runtimeData">The HCL runtime data exactly as the HCL report holds it.</param>
    public AzureTdxInstanceInfo(ReadOnlyMemory<byte> attestationReport, ReadOnlyMemory<byte> runtimeData)
    {
        AttestationReport = attestationReport;
        RuntimeData = runtimeData;
    }

    /// <summary>Gets the TD quote.</summary>
    public ReadOnlyMemory<byte> AttestationReport { get; }

    /// <summary>Gets the HCL runtime data (UTF-8 JSON whose <c>keys[0]</c> is the AK).</summary>
    public ReadOnlyMemory<byte> RuntimeData { get; }

    /// <summary>Parses instance info.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The instance info.</returns>
    /// <exception cref="AttestationFormatException">Not a single JSON object with both fields as base64 strings.</exception>
    public static AzureTdxInstanceInfo Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "azure-tdx instance info");
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != json.Length || doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException("azure-tdx instance info: expected a single JSON object");
            }

            return new AzureTdxInstanceInfo(Bytes(doc.RootElement, nameof(AttestationReport)), Bytes(doc.RootElement, nameof(RuntimeData)));
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"azure-tdx instance info: invalid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Serializes the instance info.</summary>
    /// <returns>UTF-8 JSON.</returns>
    public byte[] ToJson()
    {
        using var buffer = new System.IO.MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBase64String(nameof(AttestationReport), AttestationReport.Span);
            w.WriteBase64String(nameof(RuntimeData), RuntimeData.Span);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Bytes(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new AttestationFormatException($"azure-tdx instance info: missing \"{name}\"");
        }

        return value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes)
            ? bytes
            : throw new AttestationFormatException($"azure-tdx instance info: \"{name}\" must be base64");
    }
}
