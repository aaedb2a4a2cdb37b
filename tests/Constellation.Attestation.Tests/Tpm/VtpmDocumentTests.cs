using System.Text;
using System.Text.Json;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tests.Tpm;

public class VtpmDocumentTests
{
    [Test]
    public void The_real_GCE_protobuf_attestation_holds_the_extracted_structures()
    {
        var attestation = VtpmAttestation.ParseProtobuf(GceVector.Protobuf);

        attestation.AkPublic.ToArray().Should().Equal(GceVector.AkPublic);
        attestation.AkCertificate.ToArray().Should().Equal(GceVector.AkCertificate);
        attestation.EventLog.ToArray().Should().Equal(GceVector.EventLog);
        attestation.Quotes.Select(q => q.Bank).Should().Equal(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384);
        attestation.Quotes[1].Quote.ToArray().Should().Equal(GceVector.Attest("sha256"));
        attestation.Quotes[1].RawSignature.ToArray().Should().Equal(GceVector.Signature("sha256"));
        attestation.Quotes[1].Pcrs[0].Should().Equal(GceVector.Pcrs("sha256")[0]);
    }

    [Test]
    public void Protobuf_round_trip_keeps_every_field()
    {
        var attestation = VtpmAttestation.ParseProtobuf(GceVector.Protobuf);

        var again = VtpmAttestation.ParseProtobuf(attestation.ToProtobuf());

        again.Quotes.Should().HaveCount(3);
        again.ToProtobuf().Should().Equal(attestation.ToProtobuf());
    }

    [Test]
    public void The_JSON_has_Go_encoding_json_shape()
    {
        var attestation = VtpmAttestation.ParseProtobuf(GceVector.Protobuf);
        var document = new VtpmDocument(attestation, [], Encoding.ASCII.GetBytes("VerifyService"));

        using var json = JsonDocument.Parse(document.ToJson());
        var root = json.RootElement;

        root.EnumerateObject().Select(p => p.Name).Should().Equal("Attestation", "InstanceInfo", "UserData");
        root.GetProperty("InstanceInfo").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("UserData").GetString().Should().Be(Convert.ToBase64String(Encoding.ASCII.GetBytes("VerifyService")));
        var att = root.GetProperty("Attestation");
        att.EnumerateObject().Select(p => p.Name).Should().Equal("ak_pub", "quotes", "event_log", "ak_cert", "TeeAttestation");
        att.GetProperty("TeeAttestation").ValueKind.Should().Be(JsonValueKind.Null);
        var quote = att.GetProperty("quotes")[1];
        quote.EnumerateObject().Select(p => p.Name).Should().Equal("quote", "raw_sig", "pcrs");
        quote.GetProperty("pcrs").GetProperty("hash").GetInt32().Should().Be(11);
        quote.GetProperty("pcrs").GetProperty("pcrs").EnumerateObject().Select(p => p.Name).Take(4).Should().Equal("0", "1", "10", "11");
    }

    [Test]
    public void A_document_round_trips_through_JSON()
    {
        var attestation = VtpmAttestation.ParseProtobuf(GceVector.Protobuf);
        var document = new VtpmDocument(attestation, Encoding.UTF8.GetBytes("{\"zone\":\"z\"}"), new byte[] { 1, 2, 3 });

        var parsed = VtpmDocument.Parse(document.ToJson());

        parsed.ToJson().Should().Equal(document.ToJson());
        parsed.Attestation.ToProtobuf().Should().Equal(attestation.ToProtobuf());
        parsed.InstanceInfo.ToArray().Should().Equal(Encoding.UTF8.GetBytes("{\"zone\":\"z\"}"));
    }

    [Test]
    public void Keys_match_case_insensitively_and_unknown_keys_are_ignored()
    {
        var json = "{\"attestation\":{\"AK_PUB\":\"AAE=\",\"quotes\":[{\"Quote\":\"AQ==\",\"pcrs\":{\"hash\":11,\"pcrs\":{\"3\":\"Ag==\"}}}],\"extra\":1},\"userdata\":\"BQ==\",\"Other\":[1]}";

        var parsed = VtpmDocument.Parse(Encoding.UTF8.GetBytes(json));

        parsed.Attestation.AkPublic.ToArray().Should().Equal(0, 1);
        parsed.Attestation.Quotes[0].Quote.ToArray().Should().Equal(1);
        parsed.Attestation.Quotes[0].Pcrs[3].Should().Equal(2);
        parsed.UserData.ToArray().Should().Equal(5);
        parsed.InstanceInfo.IsEmpty.Should().BeTrue();
    }

    [TestCase("")]
    [TestCase("[]")]
    [TestCase("{}")]
    [TestCase("{\"Attestation\":{},\"UserData\":\"not base64!\"}")]
    [TestCase("{\"Attestation\":{\"quotes\":{}}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"pcrs\":{\"x\":\"AA==\"}}}]}}")]
    [TestCase("{\"Attestation\":{}} trailing")]
    public void Malformed_documents_are_rejected_with_the_upstream_message_prefix(string json)
    {
        var act = () => VtpmDocument.Parse(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<AttestationFormatException>().WithMessage("unmarshaling TPM attestation document*");
    }
}
