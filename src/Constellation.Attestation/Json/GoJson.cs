using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Constellation.Attestation.Json;

/// <summary>
/// Reading helpers that mirror Go <c>encoding/json</c> decoding as this project pins it: case-insensitive keys (an exact
/// match wins, else the last case-insensitive one), unknown keys ignored, <c>null</c> as empty, <c>[]byte</c> as standard
/// Base64 (<see cref="DecodeBase64"/>, the one Base64 rule of every Go document reader, DOM or streaming).
/// </summary>
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

    /// <summary>Reads a <c>[]byte</c> field: absent or <c>null</c> is empty.</summary>
    public static byte[] GetBytes(JsonElement obj, string name, string path)
    {
        if (!TryGetProperty(obj, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return DecodeBytes(value, $"{path}.{name}");
    }

    /// <summary>Decodes a <c>[]byte</c> value: a string of standard Base64.</summary>
    public static byte[] DecodeBytes(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a Base64 string, got {value.ValueKind}");
        }

        return DecodeBase64(value.GetString()!, path);
    }

    /// <summary>Decodes standard Base64 text as a Go <c>[]byte</c> field.</summary>
    /// <exception cref="AttestationFormatException">Not standard Base64; the message names <paramref name="path"/>.</exception>
    public static byte[] DecodeBase64(string text, string path)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"{path}: expected standard Base64, got malformed text", ex);
        }
    }

    /// <summary>Reads a string field that must be present and non-empty.</summary>
    /// <exception cref="AttestationFormatException">Absent, not a string, or empty; the message names the field and what it held.</exception>
    public static string GetRequiredString(JsonElement obj, string name, string path)
    {
        if (!TryGetProperty(obj, name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            throw new AttestationFormatException($"{path}.{name}: expected a non-empty string, got {(value.ValueKind == JsonValueKind.Undefined ? "nothing" : value.ToString())}");
        }

        return value.GetString()!;
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
