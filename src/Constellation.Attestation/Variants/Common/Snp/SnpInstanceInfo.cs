using System;
using System.IO;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Json;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>
/// The SNP <c>InstanceInfo</c> JSON shared by aws-sev-snp, gcp-sev-snp and azure-sev-snp (spec variants.md §3):
/// Go field names, byte slices as standard Base64, absent cloud parts as <c>null</c>.
/// </summary>
/// <remarks>Immutable.</remarks>
public sealed class SnpInstanceInfo
{
    private SnpInstanceInfo()
    {
    }

    /// <summary>Gets the PEM text of the VCEK or VLEK (may be empty).</summary>
    public string ReportSigner { get; private init; } = string.Empty;

    /// <summary>Gets the PEM text of the ASK/ASVK and/or ARK (may be empty).</summary>
    public string CertChain { get; private init; } = string.Empty;

    /// <summary>Gets the raw report.</summary>
    public ReadOnlyMemory<byte> AttestationReport { get; private init; }

    /// <summary>Gets the Azure HCL runtime data, or <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? AzureRuntimeData { get; private init; }

    /// <summary>Gets the Azure MAA token, or <see langword="null"/>/empty.</summary>
    public string? AzureMaaToken { get; private init; }

    /// <summary>Gets the GCE project ID, or <see langword="null"/>.</summary>
    public string? GcpProjectId { get; private init; }

    /// <summary>Gets the GCE zone, or <see langword="null"/>.</summary>
    public string? GcpZone { get; private init; }

    /// <summary>Gets the GCE instance name, or <see langword="null"/>.</summary>
    public string? GcpInstanceName { get; private init; }

    /// <summary>Creates the instance info an SNP issuer sends.</summary>
    /// <param name="attestationReport">The raw 1184-byte report.</param>
    /// <param name="reportSigner">The VCEK or VLEK PEM text, or empty.</param>
    /// <param name="certChain">The ASK/ASVK and/or ARK PEM text, or empty.</param>
    /// <param name="azureRuntimeData">azure-sev-snp: the HCL runtime data; <see langword="null"/> for no <c>Azure</c> part.</param>
    /// <param name="azureMaaToken">azure-sev-snp: the MAA token, or empty.</param>
    /// <param name="gcp">gcp-sev-snp: the instance; <see langword="null"/> for no <c>GCP</c> part.</param>
    /// <returns>The instance info.</returns>
    /// <exception cref="ArgumentException">The report is not 1184 bytes.</exception>
    public static SnpInstanceInfo Create(
        ReadOnlySpan<byte> attestationReport,
        string reportSigner,
        string certChain,
        ReadOnlyMemory<byte>? azureRuntimeData = null,
        string? azureMaaToken = null,
        GceInstanceInfo? gcp = null)
    {
        ArgumentNullException.ThrowIfNull(reportSigner);
        ArgumentNullException.ThrowIfNull(certChain);
        if (attestationReport.Length != SnpReport.Size)
        {
            throw new ArgumentException($"the attestation report must be {SnpReport.Size} bytes, got {attestationReport.Length}", nameof(attestationReport));
        }

        return new SnpInstanceInfo
        {
            ReportSigner = reportSigner,
            CertChain = certChain,
            AttestationReport = attestationReport.ToArray(),
            AzureRuntimeData = azureRuntimeData is { } data ? new ReadOnlyMemory<byte>(data.ToArray()) : (ReadOnlyMemory<byte>?)null,
            AzureMaaToken = azureRuntimeData is null ? null : azureMaaToken ?? string.Empty,
            GcpProjectId = gcp?.ProjectId,
            GcpZone = gcp?.Zone,
            GcpInstanceName = gcp?.InstanceName,
        };
    }

    /// <summary>
    /// Serializes as Go's <c>json.Marshal</c> of Constellation's <c>snp.InstanceInfo</c> does: fields in struct order
    /// (<c>ReportSigner</c>, <c>CertChain</c>, <c>AttestationReport</c>, <c>Azure</c>, <c>GCP</c>), byte slices as standard
    /// Base64, unset ones and absent parts as <c>null</c>, the GCP part with its proto JSON names and empty values omitted.
    /// </summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WritePem(writer, "ReportSigner", ReportSigner);
            WritePem(writer, "CertChain", CertChain);
            writer.WriteBase64String(nameof(AttestationReport), AttestationReport.Span);
            if (AzureRuntimeData is { } runtimeData)
            {
                writer.WriteStartObject("Azure");
                writer.WriteBase64String("RuntimeData", runtimeData.Span);
                writer.WriteString("MAAToken", AzureMaaToken ?? string.Empty);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("Azure");
            }

            if (GcpProjectId is not null || GcpZone is not null || GcpInstanceName is not null)
            {
                writer.WritePropertyName("GCP");
                writer.WriteRawValue(new GceInstanceInfo(GcpZone ?? string.Empty, GcpProjectId ?? string.Empty, GcpInstanceName ?? string.Empty).ToJson());
            }
            else
            {
                writer.WriteNull("GCP");
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Parses the JSON.</summary>
    /// <param name="json">The InstanceInfo bytes.</param>
    /// <returns>The parsed info.</returns>
    /// <exception cref="AttestationFormatException">Not valid InstanceInfo JSON.</exception>
    public static SnpInstanceInfo Parse(ReadOnlySpan<byte> json)
    {
        Utf8Input.Require(json, "SNP instance info");
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException("SNP instance info must be a JSON object");
            }

            var azure = Get(root, "Azure");
            var gcp = Get(root, "GCP");
            return new SnpInstanceInfo
            {
                ReportSigner = Encoding.UTF8.GetString(Bytes(root, "ReportSigner")),
                CertChain = Encoding.UTF8.GetString(Bytes(root, "CertChain")),
                AttestationReport = Bytes(root, "AttestationReport"),
                AzureRuntimeData = azure is { } a ? new ReadOnlyMemory<byte>(Bytes(a, "RuntimeData")) : (ReadOnlyMemory<byte>?)null,
                AzureMaaToken = azure is { } m ? Text(m, "MAAToken") : null,
                GcpProjectId = gcp is { } p ? Text(p, "project_id") : null,
                GcpZone = gcp is { } z ? Text(z, "zone") : null,
                GcpInstanceName = gcp is { } n ? Text(n, "instance_name") : null,
            };
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"SNP instance info is not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"SNP instance info holds invalid Base64: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new AttestationFormatException($"SNP instance info has a field of the wrong type: {ex.Message}", ex);
        }
    }

    private static void WritePem(Utf8JsonWriter writer, string name, string pem)
    {
        // Go leaves an unset []byte nil, which it writes as null (aws-sev-snp sends no CertChain).
        if (pem.Length == 0)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteBase64String(name, Encoding.UTF8.GetBytes(pem));
        }
    }

    private static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static byte[] Bytes(JsonElement obj, string name) => Get(obj, name) is { } value ? value.GetBytesFromBase64() : [];

    private static string? Text(JsonElement obj, string name) => Get(obj, name)?.GetString();
}
