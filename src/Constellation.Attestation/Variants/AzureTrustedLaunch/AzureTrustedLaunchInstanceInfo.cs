using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>azure-trustedlaunch InstanceInfo: Go JSON <c>{"AkCert": &lt;DER&gt;, "CA": &lt;DER&gt;}</c> (Base64 values).</summary>
public sealed class AzureTrustedLaunchInstanceInfo
{
    /// <summary>Creates instance info.</summary>
    /// <param name="akCertificate">The DER AK certificate (TPM NV index 0x01C101D0).</param>
    /// <param name="caCertificate">The DER intermediate CA certificate (fetched from the AK certificate's AIA URL).</param>
    public AzureTrustedLaunchInstanceInfo(ReadOnlySpan<byte> akCertificate, ReadOnlySpan<byte> caCertificate)
    {
        AkCertificate = akCertificate.ToArray();
        CaCertificate = caCertificate.ToArray();
    }

    /// <summary>Gets the DER AK certificate.</summary>
    public ReadOnlyMemory<byte> AkCertificate { get; }

    /// <summary>Gets the DER CA certificate.</summary>
    public ReadOnlyMemory<byte> CaCertificate { get; }

    /// <summary>Parses InstanceInfo bytes.</summary>
    /// <param name="json">The bytes.</param>
    /// <returns>The instance info.</returns>
    /// <exception cref="AttestationFormatException">Malformed JSON or a missing certificate.</exception>
    public static AzureTrustedLaunchInstanceInfo Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "Azure Trusted Launch instance info");
            using var document = JsonDocument.Parse(json.ToArray());
            GoJson.RequireObject(document.RootElement, "Azure instance info");
            var ak = GoJson.GetBytes(document.RootElement, "AkCert", "Azure instance info");
            var ca = GoJson.GetBytes(document.RootElement, "CA", "Azure instance info");
            if (ak.Length == 0 || ca.Length == 0)
            {
                throw new AttestationFormatException($"Azure instance info: expected AkCert and CA, got {(ak.Length == 0 ? "no AkCert" : "no CA")}");
            }

            return new AzureTrustedLaunchInstanceInfo(ak, ca);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"Azure instance info: malformed JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Serializes as Go would.</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson()
    {
        using var stream = new System.IO.MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteBase64String("AkCert", AkCertificate.Span);
            writer.WriteBase64String("CA", CaCertificate.Span);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
