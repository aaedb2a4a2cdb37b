using System;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Config;

/// <summary>
/// Reads and writes a variant's attestation config as JSON, the form Constellation's join service reads from
/// <c>/var/config/attestationConfig</c> (ConfigMap <c>join-config</c>, key <c>attestationConfig</c>).
/// </summary>
/// <remarks>
/// The JSON does not name the variant; the caller supplies it (the join service's <c>--attestation-variant</c>).
/// Field names match case-insensitively, as Go's decoder does; unknown fields, duplicates, bad hex, bad lengths
/// and out-of-range versions are errors, so a config written for another variant is rejected rather than
/// half-read. Output uses Go's field order; <c>amdSigningKey</c> is always written, <c>mrSeam</c> and
/// <c>maaURL</c> only when set.
/// </remarks>
public static class AttestationConfigJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses a variant's config from UTF-8 JSON.</summary>
    /// <param name="variant">The variant the config is for.</param>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed or does not fit the variant; the message names the field.</exception>
    public static AttestationConfig Parse(AttestationVariant variant, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(variant);
        try
        {
            Utf8Input.Require(utf8Json, "attestation config JSON");
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            return AttestationConfigReader.Read(variant, document.RootElement, variant.ConfigKey, caseInsensitive: true);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"{variant.ConfigKey}: not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Parses a variant's config from a JSON string.</summary>
    /// <param name="variant">The variant the config is for.</param>
    /// <param name="json">The JSON text.</param>
    /// <returns>The config.</returns>
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
        if (config.Variant != AttestationVariant.Dummy || config.Measurements.Count > 0)
        {
            writer.WritePropertyName("measurements");
            MeasurementJson.Write(writer, config.Measurements);
        }

        switch (config)
        {
            case SevSnpAttestationConfig snp:
                WriteVersion(writer, "bootloaderVersion", snp.BootloaderVersion);
                WriteVersion(writer, "teeVersion", snp.TeeVersion);
                WriteVersion(writer, "snpVersion", snp.SnpVersion);
                WriteVersion(writer, "microcodeVersion", snp.MicrocodeVersion);
                if (snp.FirmwareSignerConfig is { } signer)
                {
                    writer.WriteStartObject("firmwareSignerConfig");
                    writer.WriteStartArray("acceptedKeyDigests");
                    foreach (var digest in signer.AcceptedKeyDigests)
                    {
                        writer.WriteStringValue(Convert.ToHexStringLower(digest.AsSpan()));
                    }

                    writer.WriteEndArray();
                    writer.WriteString("enforcementPolicy", signer.EnforcementPolicyName);
                    if (signer.MaaUrl.Length > 0)
                    {
                        writer.WriteString("maaURL", signer.MaaUrl);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteString("amdRootKey", snp.AmdRootKey?.Pem ?? string.Empty);
                writer.WriteString("amdSigningKey", snp.AmdSigningKey?.Pem ?? string.Empty);
                break;
            case AzureTdxAttestationConfig tdx:
                WriteVersion(writer, "qeSVN", tdx.QeSvn);
                WriteVersion(writer, "pceSVN", tdx.PceSvn);
                writer.WriteString("teeTCBSVN", tdx.TeeTcbSvn.ToString());
                writer.WriteString("qeVendorID", tdx.QeVendorId.ToString());
                if (!tdx.MrSeam.IsEmpty)
                {
                    writer.WriteString("mrSeam", Convert.ToHexStringLower(tdx.MrSeam.AsSpan()));
                }

                writer.WriteString("xfam", tdx.Xfam.ToString());
                writer.WriteString("intelRootKey", tdx.IntelRootKey?.Pem ?? string.Empty);
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteVersion(Utf8JsonWriter writer, string name, AttestationVersion version)
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
