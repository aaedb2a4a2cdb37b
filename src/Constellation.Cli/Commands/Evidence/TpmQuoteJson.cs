using System;
using System.Linq;
using System.Text.Json;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Cli.Commands.Evidence;

/// <summary>Writes a TPMS_ATTEST as the JSON object of <c>evidence inspect tpm-quote --json</c>.</summary>
internal static class TpmQuoteJson
{
    public static void Write(Utf8JsonWriter writer, TpmAttest attest)
    {
        writer.WriteStartObject();
        writer.WriteString("magic", attest.Magic.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("type", attest.Type.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("typeName", "TPM_ST_ATTEST_QUOTE");
        writer.WriteString("qualifiedSigner", Convert.ToHexStringLower(attest.QualifiedSigner.Span));
        writer.WriteString("extraData", Convert.ToHexStringLower(attest.ExtraData.Span));
        writer.WriteNumber("clock", attest.Clock);
        writer.WriteNumber("resetCount", attest.ResetCount);
        writer.WriteNumber("restartCount", attest.RestartCount);
        writer.WriteBoolean("safe", attest.Safe);
        writer.WriteNumber("firmwareVersion", attest.FirmwareVersion);
        writer.WriteString("firmwareVersionHex", attest.FirmwareVersion.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteStartArray("pcrSelection");
        foreach (var selection in attest.PcrSelections)
        {
            writer.WriteStartObject();
            writer.WriteString("hash", TpmHash.ToDisplayName(selection.Hash));
            writer.WriteStartArray("pcrs");
            foreach (var index in selection.Indices)
            {
                writer.WriteNumberValue(index);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("pcrDigest", Convert.ToHexStringLower(attest.PcrDigest.Span));
        writer.WriteEndObject();
    }

    public static string ToText(TpmAttest attest) =>
        string.Join(
            Environment.NewLine,
            $"magic:            0x{attest.Magic:x8}",
            $"type:             0x{attest.Type:x4} (TPM_ST_ATTEST_QUOTE)",
            $"qualifiedSigner:  {Convert.ToHexStringLower(attest.QualifiedSigner.Span)}",
            $"extraData:        {Convert.ToHexStringLower(attest.ExtraData.Span)}",
            $"clock:            {attest.Clock}",
            $"resetCount:       {attest.ResetCount}",
            $"restartCount:     {attest.RestartCount}",
            $"safe:             {(attest.Safe ? "yes" : "no")}",
            $"firmwareVersion:  0x{attest.FirmwareVersion:x16}",
            $"pcrSelection:     {string.Join(" ", attest.PcrSelections.Select(s => s.ToString()))}",
            $"pcrDigest:        {Convert.ToHexStringLower(attest.PcrDigest.Span)}");
}
