using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>Reading helpers that mirror Go encoding/json decoding: case-insensitive keys, unknown keys ignored, []byte as standard Base64.</summary>
internal static class GoJson
{
    /// <summary>Finds a property: an exact match wins, else the last case-insensitive match (as Go does).</summary>
    public static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        var found = false;
        value = default;
        foreach (var property in obj.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                value = property.Value;
                return true;
            }

            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    public static byte[] GetBytes(JsonElement obj, string name, string path)
    {
        if (!TryGetProperty(obj, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return DecodeBytes(value, $"{path}.{name}");
    }

    public static byte[] DecodeBytes(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a Base64 string, got {value.ValueKind}");
        }

        try
        {
            return Convert.FromBase64String(value.GetString()!);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"{path}: expected standard Base64, got malformed text", ex);
        }
    }

    public static void RequireObject(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new AttestationFormatException($"{path}: expected a JSON object, got {value.ValueKind}");
        }
    }

    /// <summary>Go writes map keys sorted as strings ("0", "1", "10", …).</summary>
    public static IEnumerable<KeyValuePair<int, T>> GoMapOrder<T>(IEnumerable<KeyValuePair<int, T>> entries) =>
        entries.OrderBy(kv => kv.Key.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
