using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Constellation.Attestation.Config;

/// <summary>
/// Reads the fields of one JSON object strictly: duplicates and unknown fields are errors, and every
/// message carries the field's path.
/// </summary>
internal sealed class ConfigFieldReader
{
    private readonly Dictionary<string, JsonProperty> _fields;
    private readonly StringComparer _comparer;

    public ConfigFieldReader(JsonElement element, string path, bool caseInsensitive)
    {
        Path = path;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AttestationFormatException($"{path}: expected an object, got {Describe(element)}");
        }

        _comparer = caseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        _fields = new Dictionary<string, JsonProperty>(_comparer);
        foreach (var property in element.EnumerateObject())
        {
            if (!_fields.TryAdd(property.Name, property))
            {
                throw new AttestationFormatException($"{path}.{property.Name}: field appears more than once");
            }
        }
    }

    public string Path { get; }

    public bool TryTake(string name, out JsonElement value)
    {
        if (_fields.Remove(name, out var property))
        {
            value = property.Value;
            return true;
        }

        value = default;
        return false;
    }

    public JsonElement TakeRequired(string name) =>
        TryTake(name, out var value) ? value : throw new AttestationFormatException($"{Path}.{name}: required field is missing");

    public void ThrowIfUnknownFields(IEnumerable<string> known)
    {
        if (_fields.Count > 0)
        {
            throw new AttestationFormatException(
                $"{Path}: unknown field{(_fields.Count == 1 ? string.Empty : "s")} {string.Join(", ", _fields.Keys.Select(k => $"\"{k}\""))} (known: {string.Join(", ", known)})");
        }
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(element.GetString() ?? string.Empty)}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => element.ValueKind.ToString(),
    };

    private static string Truncate(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 80), "…");
}
