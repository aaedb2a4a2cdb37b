using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Constellation.Attestation.Config;

/// <summary>
/// The fields of one attestation config object, read strictly: each field is taken once, duplicates and fields left
/// over are errors, and every message carries the field's path (e.g. <c>attestation.awsSEVSNP.bootloaderVersion</c>).
/// A variant's <see cref="Variants.AttestationVariantDefinition.ReadConfig"/> takes what it knows and then calls
/// <see cref="ThrowIfUnknownFields"/>.
/// </summary>
/// <remarks>
/// Names match case-insensitively when the object came from JSON (as Go's decoder does) and exactly when it came from
/// YAML. Not thread-safe: one reader per object.
/// </remarks>
public sealed class AttestationConfigFields
{
    private readonly Dictionary<string, JsonProperty> _fields;

    internal AttestationConfigFields(JsonElement element, string path, bool caseInsensitive)
    {
        Path = path;
        CaseInsensitive = caseInsensitive;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AttestationFormatException($"{path}: expected an object, got {Describe(element)}");
        }

        _fields = new Dictionary<string, JsonProperty>(caseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!_fields.TryAdd(property.Name, property))
            {
                throw new AttestationFormatException($"{path}.{property.Name}: field appears more than once");
            }
        }
    }

    /// <summary>Gets the object's path, for error messages (e.g. <c>attestation.qemuVTPM</c>).</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether names match case-insensitively (JSON) rather than exactly (YAML).</summary>
    internal bool CaseInsensitive { get; }

    /// <summary>Takes a field if it is present.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value, when present.</param>
    /// <returns><see langword="true"/> when the field was present.</returns>
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

    /// <summary>Takes a field that must be present.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="AttestationFormatException">The field is missing.</exception>
    public JsonElement TakeRequired(string name) =>
        TryTake(name, out var value) ? value : throw new AttestationFormatException($"{Path}.{name}: required field is missing");

    /// <summary>Takes <c>measurements</c> (Constellation's measurements map).</summary>
    /// <param name="required">Whether the field must be present; when it is not required and absent, the set is empty.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="AttestationFormatException">The field is missing though required, or malformed.</exception>
    public MeasurementSet ReadMeasurements(bool required)
    {
        if (!TryTake("measurements", out var value))
        {
            return required
                ? throw new AttestationFormatException($"{Path}.measurements: required field is missing")
                : MeasurementSet.Empty;
        }

        try
        {
            return MeasurementJson.FromJsonElement(value);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{Path}.measurements: {ex.Message}", ex);
        }
    }

    /// <summary>Throws when fields are left that nobody took.</summary>
    /// <param name="known">The fields the variant knows, for the message.</param>
    /// <exception cref="AttestationFormatException">Unknown fields are present; the message names them.</exception>
    public void ThrowIfUnknownFields(IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        if (_fields.Count > 0)
        {
            throw new AttestationFormatException(
                $"{Path}: unknown field{(_fields.Count == 1 ? string.Empty : "s")} {string.Join(", ", _fields.Keys.Select(k => $"\"{k}\""))} (known: {string.Join(", ", known)})");
        }
    }

    /// <summary>Creates the config, naming this object's path in the error when the config's constructor refuses a value.</summary>
    /// <param name="create">Creates the config.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The constructor refused a value.</exception>
    public AttestationConfig CreateConfig(Func<AttestationConfig> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        try
        {
            return create();
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{Path}: {ex.Message}", ex);
        }
    }

    /// <summary>Describes a JSON value for an error message (strings shortened).</summary>
    /// <param name="element">The value.</param>
    /// <returns>The description, e.g. <c>the number 7</c>.</returns>
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
