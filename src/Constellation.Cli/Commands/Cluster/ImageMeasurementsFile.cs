using System.IO;
using System.Text;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// Writes Constellation's image <c>measurements.json</c> (<c>ImageMeasurementsV2</c>: version, ref, stream and one entry
/// per CSP and variant), the file <c>upgrade apply --measurements</c> and <c>config fetch-measurements</c> verify and
/// read (<see cref="ImageMeasurements.Parse"/>). The measurements themselves are <see cref="MeasurementJson"/>'s shape.
/// </summary>
internal static class ImageMeasurementsFile
{
    public static string Create(ImageVersion image, CloudProvider csp, AttestationVariant variant, MeasurementSet measurements)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("version", image.Version);
            json.WriteString("ref", image.Ref);
            json.WriteString("stream", image.Stream);
            json.WriteStartArray("list");
            json.WriteStartObject();
            json.WriteString("csp", csp.ToConfigString());
            json.WriteString("attestationVariant", variant.Name);
            json.WritePropertyName("measurements");
            json.WriteRawValue(MeasurementJson.Serialize(measurements));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
