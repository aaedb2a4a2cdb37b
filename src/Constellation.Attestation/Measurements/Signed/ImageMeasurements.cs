using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>
/// The content of a signed <c>measurements.json</c> (Constellation's <c>ImageMeasurementsV2</c>): the image's
/// version, ref and stream, and its measurements per CSP and variant.
/// </summary>
/// <remarks>
/// Parse it only after its signature verified (<see cref="MeasurementsSignature"/>). Unknown fields are ignored, as
/// Go's decoder does, so that newer signed files still parse; every known field is checked.
/// </remarks>
public sealed class ImageMeasurements
{
    private ImageMeasurements(string version, string @ref, string stream, ImmutableArray<ImageMeasurementsEntry> entries)
    {
        Version = version;
        Ref = @ref;
        Stream = stream;
        Entries = entries;
    }

    /// <summary>Gets the file's <c>version</c>.</summary>
    public string Version { get; }

    /// <summary>Gets the file's <c>ref</c>.</summary>
    public string Ref { get; }

    /// <summary>Gets the file's <c>stream</c>.</summary>
    public string Stream { get; }

    /// <summary>Gets the entries (<c>list</c>).</summary>
    public ImmutableArray<ImageMeasurementsEntry> Entries { get; }

    /// <summary>Parses a measurements file.</summary>
    /// <param name="utf8Json">The file bytes.</param>
    /// <returns>The content.</returns>
    /// <exception cref="AttestationFormatException">The file is malformed; the message names the field.</exception>
    public static ImageMeasurements Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            Utf8Input.Require(utf8Json, "image measurements JSON");
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException($"measurements file: expected a JSON object, got {root.ValueKind}");
            }

            var version = RequiredString(root, "version");
            var @ref = RequiredString(root, "ref");
            var stream = RequiredString(root, "stream");
            if (!TryGet(root, "list", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new AttestationFormatException("measurements file: list: expected an array of entries");
            }

            var entries = ImmutableArray.CreateBuilder<ImageMeasurementsEntry>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                entries.Add(ParseEntry(item, $"measurements file: list[{i++}]"));
            }

            return new ImageMeasurements(version, @ref, stream, entries.ToImmutable());
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"measurements file: not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Gets the first entry for a CSP and variant, as Constellation selects it.</summary>
    /// <param name="csp">The provider.</param>
    /// <param name="variant">The variant.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public ImageMeasurementsEntry? Find(CloudProvider csp, AttestationVariant variant) =>
        Entries.FirstOrDefault(e => e.Csp == csp && e.Variant == variant);

    private static ImageMeasurementsEntry ParseEntry(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new AttestationFormatException($"{path}: expected an object, got {item.ValueKind}");
        }

        var cspText = RequiredString(item, "csp", path);
        var csp = CloudProviders.Parse(cspText);
        if (csp == CloudProvider.Unknown)
        {
            throw new AttestationFormatException($"{path}.csp: expected AWS, Azure, GCP, OpenStack or QEMU, got \"{cspText}\"");
        }

        var variantText = RequiredString(item, "attestationVariant", path);
        if (!AttestationVariant.TryParse(variantText, out var variant) || variant.Oid == variantText)
        {
            throw new AttestationFormatException($"{path}.attestationVariant: unknown variant \"{variantText}\"");
        }

        if (!TryGet(item, "measurements", out var measurements))
        {
            throw new AttestationFormatException($"{path}.measurements: required field is missing");
        }

        try
        {
            return new ImageMeasurementsEntry(csp, variant, MeasurementJson.FromJsonElement(measurements));
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{path}.measurements: {ex.Message}", ex);
        }
    }

    private static string RequiredString(JsonElement element, string name, string path = "measurements file") =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new AttestationFormatException($"{path}.{name}: expected a string");

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        // Go matches field names case-insensitively; a repeated field is refused rather than resolved.
        var matches = element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count > 1)
        {
            throw new AttestationFormatException($"measurements file: field \"{name}\" appears more than once");
        }

        value = matches.Count == 1 ? matches[0].Value : default;
        return matches.Count == 1;
    }
}
