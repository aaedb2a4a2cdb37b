using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.AwsNitroTpm;

/// <summary>The part of the AWS instance identity document (aws-nitro-tpm InstanceInfo) the validator uses.</summary>
/// <param name="Region">The region, e.g. <c>eu-central-1</c>.</param>
/// <param name="ImageId">The AMI ID.</param>
public sealed record AwsInstanceIdentity(string Region, string ImageId)
{
    /// <summary>Parses InstanceInfo bytes (IMDS identity document JSON); region and imageId are required.</summary>
    /// <param name="json">The bytes.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="AttestationFormatException">Malformed JSON or a missing field.</exception>
    public static AwsInstanceIdentity Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "AWS instance identity");
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AttestationFormatException($"AWS instance identity: expected a JSON object, got {root.ValueKind}");
            }

            return new AwsInstanceIdentity(Required(root, "region"), Required(root, "imageId"));
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"AWS instance identity: malformed JSON: {ex.Message}", ex);
        }
    }

    private static string Required(JsonElement root, string name) => GoJson.GetRequiredString(root, name, "AWS instance identity");
}
