using System;
using System.Collections.Generic;
using System.Text.Json;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Config;

/// <summary>Turns the JSON form of a variant's config (from JSON, or YAML bridged to JSON) into an <see cref="AttestationConfig"/>.</summary>
internal static class AttestationConfigReader
{
    private static readonly string[] MeasurementsFields = ["measurements"];
    private static readonly string[] SnpFields = ["measurements", "bootloaderVersion", "teeVersion", "snpVersion", "microcodeVersion", "amdRootKey", "amdSigningKey"];
    private static readonly string[] AzureSnpFields = ["measurements", "bootloaderVersion", "teeVersion", "snpVersion", "microcodeVersion", "firmwareSignerConfig", "amdRootKey", "amdSigningKey"];
    private static readonly string[] TdxFields = ["measurements", "qeSVN", "pceSVN", "teeTCBSVN", "qeVendorID", "mrSeam", "xfam", "intelRootKey"];
    private static readonly string[] SignerFields = ["acceptedKeyDigests", "enforcementPolicy", "maaURL"];

    public static AttestationConfig Read(AttestationVariant variant, JsonElement element, string path, bool caseInsensitive)
    {
        var fields = new ConfigFieldReader(element, path, caseInsensitive);
        if (variant == AttestationVariant.AwsSevSnp || variant == AttestationVariant.GcpSevSnp || variant == AttestationVariant.AzureSevSnp)
        {
            var isAzure = variant == AttestationVariant.AzureSevSnp;
            var measurements = ReadMeasurements(fields, required: true);
            var bootloader = ReadVersion(fields, "bootloaderVersion", byte.MaxValue);
            var tee = ReadVersion(fields, "teeVersion", byte.MaxValue);
            var snp = ReadVersion(fields, "snpVersion", byte.MaxValue);
            var microcode = ReadVersion(fields, "microcodeVersion", byte.MaxValue);
            var signer = isAzure ? ReadFirmwareSigner(fields.TakeRequired("firmwareSignerConfig"), $"{path}.firmwareSignerConfig", caseInsensitive) : null;
            var root = ReadCertificate(fields, "amdRootKey");
            var signing = ReadCertificate(fields, "amdSigningKey");
            fields.ThrowIfUnknownFields(isAzure ? AzureSnpFields : SnpFields);
            return Wrap(path, () => new SevSnpAttestationConfig(variant, measurements, bootloader, tee, snp, microcode, root, signing, signer));
        }

        if (variant == AttestationVariant.AzureTdx)
        {
            var measurements = ReadMeasurements(fields, required: true);
            var qe = ReadVersion(fields, "qeSVN", ushort.MaxValue);
            var pce = ReadVersion(fields, "pceSVN", ushort.MaxValue);
            var teeTcb = ReadHexVersion(fields, "teeTCBSVN");
            var vendor = ReadHexVersion(fields, "qeVendorID");
            var mrSeam = fields.TryTake("mrSeam", out var seam) ? ReadHex($"{path}.mrSeam", seam) : [];
            var xfam = ReadHexVersion(fields, "xfam");
            var root = ReadCertificate(fields, "intelRootKey");
            fields.ThrowIfUnknownFields(TdxFields);
            return Wrap(path, () => new AzureTdxAttestationConfig(measurements, qe, pce, teeTcb, vendor, mrSeam, xfam, root));
        }

        var only = ReadMeasurements(fields, required: variant != AttestationVariant.Dummy);
        fields.ThrowIfUnknownFields(MeasurementsFields);
        return Wrap(path, () => new MeasurementsAttestationConfig(variant, only));
    }

    private static AttestationConfig Wrap(string path, Func<AttestationConfig> create)
    {
        try
        {
            return create();
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{path}: {ex.Message}", ex);
        }
    }

    private static MeasurementSet ReadMeasurements(ConfigFieldReader fields, bool required)
    {
        if (!fields.TryTake("measurements", out var value))
        {
            return required
                ? throw new AttestationFormatException($"{fields.Path}.measurements: required field is missing")
                : MeasurementSet.Empty;
        }

        try
        {
            return MeasurementJson.FromJsonElement(value);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"{fields.Path}.measurements: {ex.Message}", ex);
        }
    }

    private static AttestationVersion ReadVersion(ConfigFieldReader fields, string name, ushort max)
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
                throw new AttestationFormatException($"{path}: expected a number 0..{max} or \"latest\", got {ConfigFieldReader.Describe(value)}");
        }
    }

    private static HexAttestationVersion ReadHexVersion(ConfigFieldReader fields, string name)
    {
        var value = fields.TakeRequired(name);
        var path = $"{fields.Path}.{name}";
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a hex string, \"\" or \"latest\", got {ConfigFieldReader.Describe(value)}");
        }

        var text = value.GetString()!;
        return string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase)
            ? HexAttestationVersion.Latest
            : HexAttestationVersion.FromBytes(ReadHex(path, value));
    }

    private static byte[] ReadHex(string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a hex string, got {ConfigFieldReader.Describe(value)}");
        }

        try
        {
            return Convert.FromHexString(value.GetString()!);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"{path}: expected a hex string, got {ConfigFieldReader.Describe(value)}", ex);
        }
    }

    private static PemCertificate? ReadCertificate(ConfigFieldReader fields, string name)
    {
        if (!fields.TryTake(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var path = $"{fields.Path}.{name}";
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new AttestationFormatException($"{path}: expected a PEM certificate string, got {ConfigFieldReader.Describe(value)}");
        }

        var pem = value.GetString()!;
        return pem.Length == 0 ? null : PemCertificate.Parse(path, pem);
    }

    private static FirmwareSignerConfig ReadFirmwareSigner(JsonElement element, string path, bool caseInsensitive)
    {
        var fields = new ConfigFieldReader(element, path, caseInsensitive);
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
                throw new AttestationFormatException($"{path}.acceptedKeyDigests: expected a list of hex digests, got {ConfigFieldReader.Describe(list)}");
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
                _ => throw new AttestationFormatException($"{path}.enforcementPolicy: expected Equal, MAAFallback or WarnOnly, got {ConfigFieldReader.Describe(policyValue)}"),
            };
        }

        var maaUrl = string.Empty;
        if (fields.TryTake("maaURL", out var url) && url.ValueKind != JsonValueKind.Null)
        {
            maaUrl = url.ValueKind == JsonValueKind.String
                ? url.GetString()!
                : throw new AttestationFormatException($"{path}.maaURL: expected a URL string, got {ConfigFieldReader.Describe(url)}");
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
