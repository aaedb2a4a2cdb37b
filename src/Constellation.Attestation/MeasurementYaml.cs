using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Constellation.Attestation;

/// <summary>
/// Reads and writes measurements in Constellation's YAML shape (integer keys in ascending order, each
/// with <c>expected</c> and <c>warnOnly</c>), as <c>gopkg.in/yaml.v3</c> writes it with two-space indentation.
/// </summary>
/// <remarks>
/// Hex values that a YAML resolver would read as numbers (for example all digits) are double-quoted,
/// as yaml.v3 does. Input accepts the legacy bare-hex form (enforced).
/// </remarks>
public static partial class MeasurementYaml
{
    /// <summary>Parses measurements from YAML text.</summary>
    /// <param name="yaml">The YAML text: a mapping from index to measurement, or empty/<c>{}</c> for none.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="AttestationFormatException">The YAML is malformed or a value is invalid.</exception>
    public static MeasurementSet Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception ex) when (ex is YamlException or ArgumentException or InvalidOperationException)
        {
            // Found by fuzzing: for some malformed documents YamlDotNet throws ArgumentException ("The current event is
            // of an unsupported type", an empty key before an indented mapping) or, from its scanner,
            // InvalidOperationException instead of YamlException.
            throw new AttestationFormatException($"measurements YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0)
        {
            return MeasurementSet.Empty;
        }

        if (stream.Documents.Count > 1)
        {
            throw new AttestationFormatException($"measurements YAML: expected one document, got {stream.Documents.Count}");
        }

        return FromYamlNode(stream.Documents[0].RootNode);
    }

    /// <summary>Reads measurements from an already parsed YAML node (for example a config section).</summary>
    /// <param name="node">A mapping node, or a null scalar for an empty set.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="AttestationFormatException">The node is not a measurements mapping.</exception>
    public static MeasurementSet FromYamlNode(YamlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is YamlScalarNode scalar && IsNull(scalar))
        {
            return MeasurementSet.Empty;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw new AttestationFormatException($"measurements YAML: expected a mapping at {node.Start}, got {node.NodeType}");
        }

        var entries = new List<KeyValuePair<uint, Measurement>>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw new AttestationFormatException($"measurements YAML: expected a register index at {keyNode.Start}");
            }

            var index = MeasurementJson.ParseIndex(key);
            entries.Add(new(index, ParseMeasurement(index, valueNode)));
        }

        return new MeasurementSet(entries);
    }

    /// <summary>Writes measurements as YAML (a complete document ending in a newline).</summary>
    /// <param name="measurements">The measurements.</param>
    /// <returns>The YAML text.</returns>
    public static string Serialize(MeasurementSet measurements)
    {
        var builder = new StringBuilder();
        Write(builder, measurements, indent: 0);
        return builder.ToString();
    }

    /// <summary>
    /// Writes measurements as a YAML block mapping at the given indentation (for embedding under a key).
    /// An empty set is written as <c>{}</c> on its own line.
    /// </summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="measurements">The measurements.</param>
    /// <param name="indent">The number of spaces before each index key.</param>
    public static void Write(StringBuilder builder, MeasurementSet measurements, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(measurements);
        var pad = new string(' ', indent);
        if (measurements.Count == 0)
        {
            builder.Append(pad).Append("{}\n");
            return;
        }

        foreach (var (index, measurement) in measurements)
        {
            builder.Append(pad).Append(index.ToString(CultureInfo.InvariantCulture)).Append(":\n");
            builder.Append(pad).Append("  expected: ").Append(QuoteIfNeeded(measurement.ToHex())).Append('\n');
            builder.Append(pad).Append("  warnOnly: ").Append(measurement.WarnOnly ? "true" : "false").Append('\n');
        }
    }

    /// <summary>
    /// Quotes a plain string when a YAML 1.2 core-schema resolver would read it as a number
    /// (yaml.v3 does the same so the value round-trips as a string).
    /// </summary>
    internal static string QuoteIfNeeded(string value)
    {
        var looksNumeric = FloatPattern().IsMatch(value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number);
        return looksNumeric ? $"\"{value}\"" : value;
    }

    private static Measurement ParseMeasurement(uint index, YamlNode value)
    {
        switch (value)
        {
            case YamlScalarNode { Value: { } hex }:
                return MeasurementJson.FromHex(index, hex, warnOnly: false);
            case YamlMappingNode mapping:
                string? expected = null;
                var warnOnly = false;
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (fieldNode, fieldValue) in mapping.Children)
                {
                    var name = (fieldNode as YamlScalarNode)?.Value ?? string.Empty;
                    if (!seen.Add(name))
                    {
                        throw new AttestationFormatException($"measurements: index {index}: field \"{name}\" appears more than once");
                    }

                    if (string.Equals(name, "expected", StringComparison.OrdinalIgnoreCase))
                    {
                        expected = fieldValue is YamlScalarNode { Value: { } text }
                            ? text
                            : throw new AttestationFormatException($"measurements: index {index}: expected a hex string for \"expected\" at {fieldValue.Start}");
                    }
                    else if (string.Equals(name, "warnOnly", StringComparison.OrdinalIgnoreCase))
                    {
                        warnOnly = (fieldValue as YamlScalarNode)?.Value switch
                        {
                            "true" or "True" or "TRUE" => true,
                            "false" or "False" or "FALSE" => false,
                            var other => throw new AttestationFormatException($"measurements: index {index}: expected true or false for \"warnOnly\", got \"{other}\""),
                        };
                    }
                    else
                    {
                        throw new AttestationFormatException($"measurements: index {index}: unknown field \"{name}\" (known: expected, warnOnly)");
                    }
                }

                return expected is null
                    ? throw new AttestationFormatException($"measurements: index {index}: missing \"expected\"")
                    : MeasurementJson.FromHex(index, expected, warnOnly);
            default:
                throw new AttestationFormatException($"measurements: index {index}: expected a mapping or a hex string at {value.Start}");
        }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
