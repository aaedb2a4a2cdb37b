using System;
using System.Text.Json;
using Constellation.Attestation.Json;

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
                ReportSigner = System.Text.Encoding.UTF8.GetString(Bytes(root, "ReportSigner")),
                CertChain = System.Text.Encoding.UTF8.GetString(Bytes(root, "CertChain")),
                AttestationReport = Bytes(root, "AttestationReport"),
                AzureRuntimeData = azure is { } a ? Bytes(a, "RuntimeData") : null,
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

    private static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static byte[] Bytes(JsonElement obj, string name) => Get(obj, name) is { } value ? value.GetBytesFromBase64() : [];

    private static string? Text(JsonElement obj, string name) => Get(obj, name)?.GetString();
}
