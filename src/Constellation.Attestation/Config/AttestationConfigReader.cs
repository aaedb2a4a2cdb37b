using System;
using System.Collections.Generic;
using System.Text.Json;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Config;

/// <summary>
/// Turns the JSON form of a variant's config (from JSON, or YAML bridged to JSON) into an <see cref="AttestationConfig"/>
/// through the variant's definition, and reads the field types the library's variants share.
/// </summary>
internal static class AttestationConfigReader
{
    private static readonly string[] SignerFields = ["acceptedKeyDigests", "enforcementPolicy", "maaURL"];

    public static AttestationConfig Read(AttestationVariantDefinition definition, JsonElement element, string path, bool caseInsensitive)
    {
        var config = definition.ReadConfig(new AttestationConfigFields(element, path, caseInsensitive));
        return config is not null && config.Variant == definition.Variant && definition.ConfigType.IsInstanceOfType(config)
            ? config
            : throw new InvalidOperationException($"the definition of {definition.Variant.Name} read a config that is not its own {definition.ConfigType.Name}");
    }

    public static AttestationVersion ReadVersion(AttestationConfigFields fields, string name, ushort max)
    {
        var value = fields.TakeRequired(name);
        var path = $"{fields.Path}.{name}";
        switch (value.ValueKind)
        {
            case JsonValueKind.String when string.Equals(value.GetString(), "latest", StringComparison.OrdinalIgnoreCase):
                return AttestationVersion.Latest;
            case JsonValueKind.Number when value.TryGetUInt16(out var number) && number <= max:
                return AttestationVersion.FromValue(number);
            default:
                throw new AttestationFormatException($"{path}: expected a number 0..{max} or \"latest\", got {AttestationConfigFields.Describe(value)}");
        }
    }

    public static HexAttestationVersion ReadHexVersion(AttestationConfigFields fields, string name)
    {
        var value = fields.TakeRequired(name);
        var path = $"{fields.Path}.{name}";
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a hex string, \"\" or \"latest\", got {AttestationConfigFields.Describe(value)}");
        }

        var text = value.GetString()!;
        return string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase)
            ? HexAttestationVersion.Latest
            : HexAttestationVersion.FromBytes(ReadHex(path, value));
    }

    public static byte[] ReadHex(string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a hex string, got {AttestationConfigFields.Describe(value)}");
        }

        try
        {
            return Convert.FromHexString(value.GetString()!);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"{path}: expected a hex string, got {AttestationConfigFields.Describe(value)}", ex);
        }
    }

    public static PemCertificate? ReadCertificate(AttestationConfigFields fields, string name)
    {
        if (!fields.TryTake(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var path = $"{fields.Path}.{name}";
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a PEM certificate string, got {AttestationConfigFields.Describe(value)}");
        }

        var pem = value.GetString()!;
        return pem.Length == 0 ? null : PemCertificate.Parse(path, pem);
    }

    public static FirmwareSignerConfig ReadFirmwareSigner(JsonElement element, string path, bool caseInsensitive)
    {
        var fields = new AttestationConfigFields(element, path, caseInsensitive);
        var digests = new List<ReadOnlyMemory<byte>>();
        if (fields.TryTake("acceptedKeyDigests", out var list))
        {
            if (list.ValueKind == JsonValueKind.String)
            {
                digests.Add(ReadDigest($"{path}.acceptedKeyDigests", list));
            }
            else if (list.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in list.EnumerateArray())
                {
                    digests.Add(ReadDigest($"{path}.acceptedKeyDigests[{i++}]", item));
                }
            }
            else if (list.ValueKind != JsonValueKind.Null)
            {
                throw new AttestationFormatException($"{path}.acceptedKeyDigests: expected a list of hex digests, got {AttestationConfigFields.Describe(list)}");
            }
        }

        var policy = EnforcementPolicy.MaaFallback;
        if (fields.TryTake("enforcementPolicy", out var policyValue))
        {
            policy = policyValue.ValueKind switch
            {
                JsonValueKind.String => Wrap(path, policyValue.GetString()!),
                JsonValueKind.True => EnforcementPolicy.Equal,
                JsonValueKind.False => EnforcementPolicy.WarnOnly,
                _ => throw new AttestationFormatException($"{path}.enforcementPolicy: expected Equal, MAAFallback or WarnOnly, got {AttestationConfigFields.Describe(policyValue)}"),
            };
        }

        var maaUrl = string.Empty;
        if (fields.TryTake("maaURL", out var url) && url.ValueKind != JsonValueKind.Null)
        {
            maaUrl = url.ValueKind == JsonValueKind.String
                ? url.GetString()!
                : throw new AttestationFormatException($"{path}.maaURL: expected a URL string, got {AttestationConfigFields.Describe(url)}");
        }

        fields.ThrowIfUnknownFields(SignerFields);
        return new FirmwareSignerConfig(digests, policy, maaUrl);

        static EnforcementPolicy Wrap(string path, string name)
        {
            try
            {
                return FirmwareSignerConfig.ParsePolicy(name);
            }
            catch (AttestationFormatException ex)
            {
                throw new AttestationFormatException($"{path}.enforcementPolicy: expected Equal, MAAFallback or WarnOnly, got \"{name}\"", ex);
            }
        }
    }

    private static byte[] ReadDigest(string path, JsonElement value)
    {
        var bytes = ReadHex(path, value);
        return bytes.Length == FirmwareSignerConfig.DigestLength
            ? bytes
            : throw new AttestationFormatException($"{path}: expected {FirmwareSignerConfig.DigestLength * 2} hex digits, got {bytes.Length * 2}");
    }
}
