using System;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Constellation.Attestation.Json;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Config;

/// <summary>
/// Reads and writes a variant's attestation config as JSON, the form Constellation's join service reads from
/// <c>/var/config/attestationConfig</c> (ConfigMap <c>join-config</c>, key <c>attestationConfig</c>).
/// </summary>
/// <remarks>
/// The JSON does not name the variant; the caller supplies it (the join service's <c>--attestation-variant</c>), and
/// the variant's <see cref="AttestationVariantDefinition"/> reads and writes its fields. Field names match
/// case-insensitively, as Go's decoder does; unknown fields, duplicates, bad hex, bad lengths and out-of-range versions
/// are errors, so a config written for another variant is rejected rather than
/// half-read. Output uses Go's field order; <c>amdSigningKey</c> is always written, <c>mrSeam</c> and
/// <c>maaURL</c> only when set.
/// </remarks>
public static class AttestationConfigJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses the config of a variant of <see cref="AttestationVariantRegistry.Default"/> from UTF-8 JSON.</summary>
    /// <param name="variant">The variant the config is for.</param>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The config.</returns>
    /// <exception cref="UnknownVariantException">The variant is not one of the library's.</exception>
    /// <exception cref="AttestationFormatException">The JSON is malformed or does not fit the variant; the message names the field.</exception>
    public static AttestationConfig Parse(AttestationVariant variant, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return Parse(AttestationVariantRegistry.Default.Get(variant), utf8Json);
    }

    /// <summary>Parses a variant's config from UTF-8 JSON, read by the variant's definition.</summary>
    /// <param name="definition">The definition of the variant the config is for (e.g. from a registry).</param>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or does not fit the variant; the message names the field.</exception>
    public static AttestationConfig Parse(AttestationVariantDefinition definition, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var key = definition.Variant.ConfigKey;
        try
        {
            Utf8Input.Require(utf8Json, "attestation config JSON");
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            return AttestationConfigReader.Read(definition, document.RootElement, key, caseInsensitive: true);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"{key}: not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Parses the config of a variant of <see cref="AttestationVariantRegistry.Default"/> from a JSON string.</summary>
    /// <param name="variant">The variant the config is for.</param>
    /// <param name="json">The JSON text.</param>
    /// <returns>The config.</returns>
    /// <exception cref="UnknownVariantException">The variant is not one of the library's.</exception>
    /// <exception cref="AttestationFormatException">The JSON is malformed or does not fit the variant.</exception>
    public static AttestationConfig Parse(AttestationVariant variant, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(variant, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Writes a config as compact JSON.</summary>
    /// <param name="config">The config.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(AttestationConfig config) => Encoding.UTF8.GetString(SerializeToUtf8Bytes(config));

    /// <summary>Writes a config as compact UTF-8 JSON.</summary>
    /// <param name="config">The config.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] SerializeToUtf8Bytes(AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            Write(writer, config);
        }

        return stream.ToArray();
    }

    /// <summary>Writes a config as a JSON object to a writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="config">The config.</param>
    public static void Write(Utf8JsonWriter writer, AttestationConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(config);
        writer.WriteStartObject();
        config.Definition.WriteConfigJson(writer, config);
        writer.WriteEndObject();
    }

    /// <summary>Writes a version as Constellation does: the number, or the string <c>latest</c>.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The field name.</param>
    /// <param name="version">The version.</param>
    internal static void WriteVersion(Utf8JsonWriter writer, string name, AttestationVersion version)
    {
        if (version.IsLatest)
        {
            writer.WriteString(name, "latest");
        }
        else
        {
            writer.WriteNumber(name, version.Value);
        }
    }
}
