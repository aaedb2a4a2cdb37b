using System.Globalization;
using System.Text.Json;
using Constellation.Attestation.Json;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// The JsonDocument-based decoder the vTPM document used before the streaming reader, kept verbatim as the oracle
/// for the differential tests: both must accept and reject exactly the same inputs and produce the same fields.
/// </summary>
internal static class VtpmDomReferenceDecoder
{
    public static VtpmDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            Utf8Input.Require(json, "document");
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != json.Length && !IsWhitespace(json[(int)reader.BytesConsumed..]))
            {
                throw new AttestationFormatException("trailing data after the JSON document");
            }

            var root = document.RootElement;
            GoJson.RequireObject(root, "document");
            if (!GoJson.TryGetProperty(root, "Attestation", out var attestationElement) || attestationElement.ValueKind == JsonValueKind.Null)
            {
                throw new AttestationFormatException("Attestation: expected an object, got nothing");
            }

            var attestation = ReadAttestation(attestationElement);
            return new VtpmDocument(attestation, GoJson.GetBytes(root, "InstanceInfo", "document"), GoJson.GetBytes(root, "UserData", "document"));
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"unmarshaling TPM attestation document: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"unmarshaling TPM attestation document: {ex.Message}", ex);
        }
    }

    private static VtpmAttestation ReadAttestation(JsonElement element)
    {
        const string path = "Attestation";
        GoJson.RequireObject(element, path);
        var quotes = new List<TpmQuote>();
        if (GoJson.TryGetProperty(element, "quotes", out var quotesElement) && quotesElement.ValueKind != JsonValueKind.Null)
        {
            if (quotesElement.ValueKind != JsonValueKind.Array)
            {
                throw new AttestationFormatException($"{path}.quotes: expected an array, got {quotesElement.ValueKind}");
            }

            var i = 0;
            foreach (var q in quotesElement.EnumerateArray())
            {
                quotes.Add(ReadQuote(q, $"{path}.quotes[{i++}]"));
            }
        }

        var intermediates = new List<ReadOnlyMemory<byte>>();
        if (GoJson.TryGetProperty(element, "intermediate_certs", out var certs) && certs.ValueKind != JsonValueKind.Null)
        {
            if (certs.ValueKind != JsonValueKind.Array)
            {
                throw new AttestationFormatException($"{path}.intermediate_certs: expected an array, got {certs.ValueKind}");
            }

            var i = 0;
            foreach (var c in certs.EnumerateArray())
            {
                intermediates.Add(GoJson.DecodeBytes(c, $"{path}.intermediate_certs[{i++}]"));
            }
        }

        return new VtpmAttestation(
            GoJson.GetBytes(element, "ak_pub", path),
            quotes,
            GoJson.GetBytes(element, "event_log", path),
            GoJson.GetBytes(element, "ak_cert", path),
            intermediates);
    }

    private static TpmQuote ReadQuote(JsonElement element, string path)
    {
        GoJson.RequireObject(element, path);
        var quote = GoJson.GetBytes(element, "quote", path);
        var sig = GoJson.GetBytes(element, "raw_sig", path);
        var bank = TpmAlgorithm.Error;
        var pcrs = new List<KeyValuePair<int, byte[]>>();
        if (GoJson.TryGetProperty(element, "pcrs", out var pcrsElement) && pcrsElement.ValueKind != JsonValueKind.Null)
        {
            GoJson.RequireObject(pcrsElement, path + ".pcrs");
            if (GoJson.TryGetProperty(pcrsElement, "hash", out var hash) && hash.ValueKind != JsonValueKind.Null)
            {
                if (hash.ValueKind != JsonValueKind.Number || !hash.TryGetUInt16(out var number))
                {
                    throw new AttestationFormatException($"{path}.pcrs.hash: expected a HashAlgo number, got {hash}");
                }

                bank = (TpmAlgorithm)number;
            }

            if (GoJson.TryGetProperty(pcrsElement, "pcrs", out var map) && map.ValueKind != JsonValueKind.Null)
            {
                GoJson.RequireObject(map, path + ".pcrs.pcrs");
                foreach (var entry in map.EnumerateObject())
                {
                    if (!uint.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > int.MaxValue)
                    {
                        throw new AttestationFormatException($"{path}.pcrs.pcrs: expected decimal PCR indices as keys, got \"{entry.Name}\"");
                    }

                    if (pcrs.Any(p => p.Key == (int)index))
                    {
                        throw new AttestationFormatException($"{path}.pcrs.pcrs: PCR {index} appears more than once");
                    }

                    pcrs.Add(new((int)index, GoJson.DecodeBytes(entry.Value, $"{path}.pcrs.pcrs[{index}]")));
                }
            }
        }

        return new TpmQuote(quote, sig, bank, pcrs);
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> rest)
    {
        foreach (var b in rest)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
