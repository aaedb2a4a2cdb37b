using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.Common.Gcp;

/// <summary>
/// The GCE instance identity a gcp-sev-es document carries as InstanceInfo: Go JSON of go-tpm-tools'
/// <c>GCEInstanceInfo</c> (snake_case keys, zero values omitted).
/// </summary>
/// <param name="Zone">The zone, e.g. <c>europe-west3-b</c>.</param>
/// <param name="ProjectId">The project ID.</param>
/// <param name="InstanceName">The instance name.</param>
public sealed record GceInstanceInfo(string Zone, string ProjectId, string InstanceName)
{
    /// <summary>Parses InstanceInfo bytes; zone, project and instance name are required.</summary>
    /// <param name="json">The InstanceInfo bytes.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or a required field is missing.</exception>
    public static GceInstanceInfo Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "GCE instance info");
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException($"GCE instance info: expected a JSON object, got {root.ValueKind}");
            }

            return new GceInstanceInfo(Required(root, "zone"), Required(root, "project_id"), Required(root, "instance_name"));
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"GCE instance info: malformed JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Serializes as Go would (keys in proto field order, empty values omitted).</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson()
    {
        using var stream = new System.IO.MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WriteIfNotEmpty(writer, "zone", Zone);
            WriteIfNotEmpty(writer, "project_id", ProjectId);
            WriteIfNotEmpty(writer, "instance_name", InstanceName);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteIfNotEmpty(Utf8JsonWriter writer, string name, string value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static string Required(JsonElement root, string name) => GoJson.GetRequiredString(root, name, "GCE instance info");
}
