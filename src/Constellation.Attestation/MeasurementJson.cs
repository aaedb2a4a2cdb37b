using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation;

/// <summary>
/// Reads and writes measurements in Constellation's JSON shape:
/// <c>{"4":{"expected":"…hex…","warnOnly":false}}</c>.
/// </summary>
/// <remarks>
/// Output is byte-for-byte what Go's <c>encoding/json</c> produces for Constellation's type: compact,
/// keys as decimal strings sorted as strings (so <c>"11"</c> precedes <c>"4"</c>), lowercase hex.
/// Input accepts the legacy form where a value is a bare hex string (enforced) and, like Go, matches
/// field names case-insensitively. Unknown fields, duplicate indices, bad hex and bad lengths are errors.
/// </remarks>
public static class MeasurementJson
{
    /// <summary>Parses measurements from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or a value is invalid.</exception>
    public static MeasurementSet Parse(ReadOnlySpan<byte> utf8Json)
    {
        Utf8Input.Require(utf8Json, "measurements JSON");
        try
        {
            // JsonDocument rejects trailing data after the value, as a strict parser must.
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            return FromJsonElement(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"measurements JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Parses measurements from a JSON string.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or a value is invalid.</exception>
    public static MeasurementSet Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads measurements from an already parsed JSON value (for example a config section).</summary>
    /// <param name="element">A JSON object, or <c>null</c> for an empty set.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="AttestationFormatException">The value is not a measurements object.</exception>
    public static MeasurementSet FromJsonElement(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return MeasurementSet.Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AttestationFormatException($"measurements JSON: expected an object, got {element.ValueKind}");
        }

        var entries = new List<KeyValuePair<uint, Measurement>>();
        foreach (var property in element.EnumerateObject())
        {
            var index = ParseIndex(property.Name);
            entries.Add(new(index, ParseMeasurement(index, property.Value)));
        }

        return new MeasurementSet(entries);
    }

    /// <summary>Writes measurements as compact JSON in Go's key order.</summary>
    /// <param name="measurements">The measurements.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(MeasurementSet measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, measurements);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes measurements as a JSON object to a writer (for embedding in a larger document).</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="measurements">The measurements.</param>
    public static void Write(Utf8JsonWriter writer, MeasurementSet measurements)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(measurements);
        writer.WriteStartObject();
        foreach (var (index, measurement) in measurements
                     .Select(kv => (Key: kv.Key.ToString(CultureInfo.InvariantCulture), kv.Value))
                     .OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(index);
            writer.WriteString("expected", measurement.ToHex());
            writer.WriteBoolean("warnOnly", measurement.WarnOnly);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    internal static uint ParseIndex(string key)
    {
        if (key.Length == 0 || !key.All(char.IsAsciiDigit)
            || !uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new AttestationFormatException($"measurements: expected a register index (0..{uint.MaxValue}), got \"{key}\"");
        }

        return index;
    }

    private static Measurement ParseMeasurement(uint index, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return FromHex(index, value.GetString()!, warnOnly: false);
            case JsonValueKind.Object:
                string? expected = null;
                var warnOnly = false;
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var field in value.EnumerateObject())
                {
                    if (!seen.Add(field.Name))
                    {
                        throw new AttestationFormatException($"measurements: index {index}: field \"{field.Name}\" appears more than once");
                    }

                    if (field.NameEquals("expected") || string.Equals(field.Name, "expected", StringComparison.OrdinalIgnoreCase))
                    {
                        expected = field.Value.ValueKind == JsonValueKind.String
                            ? field.Value.GetString()
                            : throw new AttestationFormatException($"measurements: index {index}: expected a hex string for \"expected\", got {field.Value.ValueKind}");
                    }
                    else if (string.Equals(field.Name, "warnOnly", StringComparison.OrdinalIgnoreCase))
                    {
                        warnOnly = field.Value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False => false,
                            _ => throw new AttestationFormatException($"measurements: index {index}: expected true or false for \"warnOnly\", got {field.Value.ValueKind}"),
                        };
                    }
                    else
                    {
                        throw new AttestationFormatException($"measurements: index {index}: unknown field \"{field.Name}\" (known: expected, warnOnly)");
                    }
                }

                return expected is null
                    ? throw new AttestationFormatException($"measurements: index {index}: missing \"expected\"")
                    : FromHex(index, expected, warnOnly);
            default:
                throw new AttestationFormatException($"measurements: index {index}: expected an object or a hex string, got {value.ValueKind}");
        }
    }

    internal static Measurement FromHex(uint index, string hex, bool warnOnly)
    {
        try
        {
            return Measurement.FromHex(hex, warnOnly);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"measurements: index {index}: {ex.Message}", ex);
        }
    }
}
