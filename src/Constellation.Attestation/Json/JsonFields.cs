using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Constellation.Attestation.Json;

/// <summary>
/// Typed, strict accessors that name the field in every error: exact member names, every read member required and of its
/// type. For documents with a fixed schema (Intel collateral), unlike <see cref="GoJson"/>, which decodes as Go does.
/// </summary>
internal static class JsonFields
{
    public static JsonElement Get(JsonElement obj, string name, string what)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new AttestationFormatException($"{what}: expected an object");
        }

        return obj.TryGetProperty(name, out var value)
            ? value
            : throw new AttestationFormatException($"{what}: missing \"{name}\"");
    }

    public static string String(JsonElement obj, string name, string what)
    {
        var value = Get(obj, name, what);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new AttestationFormatException($"{what}: \"{name}\" must be a string");
    }

    public static int Int(JsonElement obj, string name, string what)
    {
        var value = Get(obj, name, what);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0
            ? n
            : throw new AttestationFormatException($"{what}: \"{name}\" must be a non-negative integer");
    }

    public static DateTimeOffset Time(JsonElement obj, string name, string what)
    {
        var text = String(obj, name, what);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new AttestationFormatException($"{what}: \"{name}\" is not an RFC 3339 time: {text}");
    }

    public static byte[] HexBytes(JsonElement obj, string name, int length, string what) =>
        Hex.Decode(String(obj, name, what), length, $"{what}: \"{name}\"");

    public static IEnumerable<JsonElement> Array(JsonElement obj, string name, string what)
    {
        var value = Get(obj, name, what);
        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new AttestationFormatException($"{what}: \"{name}\" must be an array");
    }

    public static IReadOnlyList<string> OptionalStrings(JsonElement obj, string name, string what)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return System.Array.Empty<string>();
        }

        var list = new List<string>();
        foreach (var item in Array(obj, name, what))
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new AttestationFormatException($"{what}: \"{name}\" must hold strings"));
        }

        return list;
    }
}
