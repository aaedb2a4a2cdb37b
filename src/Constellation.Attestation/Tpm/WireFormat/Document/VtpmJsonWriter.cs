using System.Globalization;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>
/// Writes a vTPM document as Go <c>encoding/json</c> writes Constellation's structs: keys in Go struct (proto field)
/// order, empty fields omitted (<c>omitempty</c>), bytes as standard Base64, map keys sorted as strings.
/// </summary>
internal static class VtpmJsonWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(VtpmDocument document)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(nameof(VtpmDocument.Attestation));
            WriteAttestation(writer, document.Attestation);
            if (document.InstanceInfo.IsEmpty)
            {
                writer.WriteNull(nameof(VtpmDocument.InstanceInfo));
            }
            else
            {
                writer.WriteBase64String(nameof(VtpmDocument.InstanceInfo), document.InstanceInfo.Span);
            }

            writer.WriteBase64String(nameof(VtpmDocument.UserData), document.UserData.Span);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteAttestation(Utf8JsonWriter writer, VtpmAttestation attestation)
    {
        // The untagged oneof interface is always written.
        writer.WriteStartObject();
        if (!attestation.AkPublic.IsEmpty)
        {
            writer.WriteBase64String("ak_pub", attestation.AkPublic.Span);
        }

        if (!attestation.Quotes.IsEmpty)
        {
            writer.WriteStartArray("quotes");
            foreach (var quote in attestation.Quotes)
            {
                WriteQuote(writer, quote);
            }

            writer.WriteEndArray();
        }

        if (!attestation.EventLog.IsEmpty)
        {
            writer.WriteBase64String("event_log", attestation.EventLog.Span);
        }

        if (!attestation.AkCertificate.IsEmpty)
        {
            writer.WriteBase64String("ak_cert", attestation.AkCertificate.Span);
        }

        if (!attestation.IntermediateCertificates.IsEmpty)
        {
            writer.WriteStartArray("intermediate_certs");
            foreach (var cert in attestation.IntermediateCertificates)
            {
                writer.WriteBase64StringValue(cert.Span);
            }

            writer.WriteEndArray();
        }

        writer.WriteNull("TeeAttestation");
        writer.WriteEndObject();
    }

    private static void WriteQuote(Utf8JsonWriter writer, TpmQuote quote)
    {
        writer.WriteStartObject();
        if (!quote.Quote.IsEmpty)
        {
            writer.WriteBase64String("quote", quote.Quote.Span);
        }

        if (!quote.RawSignature.IsEmpty)
        {
            writer.WriteBase64String("raw_sig", quote.RawSignature.Span);
        }

        writer.WriteStartObject("pcrs");
        if (quote.Bank != TpmAlgorithm.Error)
        {
            writer.WriteNumber("hash", (ushort)quote.Bank);
        }

        if (!quote.Pcrs.IsEmpty)
        {
            writer.WriteStartObject("pcrs");
            foreach (var (index, value) in GoJson.GoMapOrder(quote.Pcrs))
            {
                writer.WriteBase64String(index.ToString(CultureInfo.InvariantCulture), value.AsSpan());
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
