using System.Text;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// The streaming vTPM document decoder against the previous DOM decoder (kept as an oracle): same verdict and same
/// decoded fields for real documents, Go-style key variations, and single-byte corruptions.
/// </summary>
public class VtpmStreamingDecoderTests
{
    private static readonly byte[] Real = new VtpmDocument(VtpmAttestation.ParseProtobuf(GceVector.Protobuf), Encoding.UTF8.GetBytes("{\"zone\":\"z\"}"), [1, 2, 3]).ToJson();

    private static void BothAgree(byte[] json)
    {
        VtpmDocument? expected = null;
        Exception? expectedError = null;
        try
        {
            expected = VtpmDomReferenceDecoder.Parse(json);
        }
        catch (AttestationFormatException ex)
        {
            expectedError = ex;
        }
        catch (InvalidOperationException ex)
        {
            // The DOM decoder let invalid UTF-8 in key names escape as InvalidOperationException; still a rejection.
            expectedError = ex;
        }

        var act = () => VtpmDocument.Parse(json);
        if (expectedError is not null)
        {
            act.Should().Throw<AttestationFormatException>($"the DOM decoder rejected it ({expectedError.Message})")
                .WithMessage("unmarshaling TPM attestation document*");
            return;
        }

        var actual = act.Should().NotThrow($"the DOM decoder accepted {Encoding.UTF8.GetString(json)}").Subject;
        actual.ToJson().Should().Equal(expected!.ToJson());
        actual.Attestation.ToProtobuf().Should().Equal(expected.Attestation.ToProtobuf());
    }

    [Test]
    public void A_real_document_decodes_to_the_same_fields()
    {
        BothAgree(Real);
        VtpmDocument.Parse(Real).Attestation.Quotes.Should().HaveCount(3);
    }

    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE=\"},\"UserData\":\"BQ==\"}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE=\",\"ak_pub\":\"AAI=\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE=\",\"ak_pub\":5}}")]
    [TestCase("{\"Attestation\":{\"AK_PUB\":5,\"ak_pub\":\"AAE=\"}}")]
    [TestCase("{\"Attestation\":{\"AK_PUB\":\"AAE=\",\"Ak_Pub\":\"AAI=\"}}")]
    [TestCase("{\"Attestation\":{\"AK_PUB\":\"AAE=\",\"Ak_Pub\":7}}")]
    [TestCase("{\"Attestation\":{\"ak\\u005fpub\":\"AAE=\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AA\\u003d\\u003d\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AA\\r\\n==\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AA==\"}}   \r\n")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AA=\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"A===\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"\"}}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":null,\"event_log\":null,\"ak_cert\":null,\"quotes\":null,\"intermediate_certs\":null}}")]
    [TestCase("{\"Attestation\":{\"intermediate_certs\":[\"AAE=\",null]}}")]
    [TestCase("{\"Attestation\":{\"intermediate_certs\":[\"AAE=\",\"AAI=\"]}}")]
    [TestCase("{\"Attestation\":{\"intermediate_certs\":{}}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"3\":\"Ag==\",\"03\":\"Aw==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"3\":\"Ag==\",\"3\":\"Aw==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"+3\":\"Ag==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"4294967295\":\"Ag==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"2147483647\":\"Ag==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"\\u0033\":\"Ag==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"3\":null}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":70000}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11.0}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":\"11\"}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"HASH\":12,\"hash\":11,\"Pcrs\":{\"1\":\"AQ==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"PCRS\":{\"hash\":11},\"Quote\":\"AQ==\",\"RAW_SIG\":\"Ag==\"}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[1]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[null]}}")]
    [TestCase("{\"ATTESTATION\":{\"ak_pub\":\"AAE=\"},\"attestation\":{\"ak_pub\":\"AAI=\"}}")]
    [TestCase("{\"ATTESTATION\":5,\"Attestation\":{}}")]
    [TestCase("{\"Attestation\":{},\"Attestation\":5}")]
    [TestCase("{\"Attestation\":null}")]
    [TestCase("{\"Attestation\":[]}")]
    [TestCase("{\"Attestation\":{},\"userdata\":\"AQ==\",\"USERDATA\":\"Ag==\",\"instanceinfo\":\"Aw==\"}")]
    [TestCase("{\"Attestation\":{},\"UserData\":\"AQ==\",\"USERDATA\":5}")]
    [TestCase("{\"Attestation\":{},\"Other\":{\"nested\":[1,2,{\"x\":null}]}}")]
    [TestCase("{\"Attestation\":{},\"Other\":[1,2}")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE=\"}} {}")]
    [TestCase("{\"Attestation\":{}} // comment")]
    [TestCase("{\"\u0130nstanceInfo\":\"AQ==\",\"Attestation\":{}}")]
    [TestCase("{\"\u212Aey\":\"AQ==\",\"Attestation\":{}}")]
    [TestCase("[]")]
    [TestCase("")]
    [TestCase("null")]
    [TestCase("{\"Attestation\":{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}}")]
    public void Go_json_edge_cases_get_the_same_verdict_and_fields(string json) => BothAgree(Encoding.UTF8.GetBytes(json));

    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"3\":\"AA==\",\"10\":\"AQ==\",\"2\":\"Ag==\",\"3\":\"Aw==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"100\":\"AA==\",\"7\":\"AQ==\",\"100\":\"Ag==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"100\":\"AA==\",\"7\":\"AQ==\",\"64\":\"Ag==\",\"63\":\"Aw==\",\"0\":\"BA==\"}}}]}}")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"9\":\"AA==\",\"23\":\"AQ==\",\"0\":\"Ag==\",\"10\":\"Aw==\",\"1\":\"BA==\"}}}]}}")]
    public void Pcr_maps_in_any_key_order_get_the_same_verdict_and_fields(string json) => BothAgree(Encoding.UTF8.GetBytes(json));

    [TestCase("{\"100\":\"AA==\",\"7\":\"AQ==\",\"64\":\"Ag==\",\"63\":\"Aw==\",\"0\":\"BA==\"}", new[] { 0, 7, 63, 64, 100 }, new byte[] { 4, 1, 3, 2, 0 })]
    [TestCase("{\"9\":\"AA==\",\"23\":\"AQ==\",\"0\":\"Ag==\",\"10\":\"Aw==\",\"1\":\"BA==\"}", new[] { 0, 1, 9, 10, 23 }, new byte[] { 2, 4, 0, 3, 1 })]
    public void Pcr_values_come_out_in_ascending_index_order_each_with_its_own_value(string map, int[] indices, byte[] values)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"Attestation\":{{\"quotes\":[{{\"pcrs\":{{\"hash\":11,\"pcrs\":{map}}}}}]}}}}");

        var pcrs = VtpmDocument.Parse(json).Attestation.Quotes.Single().Pcrs;

        pcrs.Keys.Should().Equal(indices);
        pcrs.Values.Select(v => v.Single()).Should().Equal(values);
    }

    [Test]
    public void Every_single_byte_corruption_of_a_real_document_gets_the_same_verdict_and_fields()
    {
        // Each position gets one of a few characters that matter to JSON and Base64 (rotated by position).
        byte[] replacements = [(byte)'"', (byte)'{', (byte)'=', (byte)'A', (byte)' ', (byte)'\\', (byte)',', (byte)'1', (byte)'K', 0xC3];
        for (var i = 0; i < Real.Length; i++)
        {
            var corrupted = (byte[])Real.Clone();
            corrupted[i] = replacements[i % replacements.Length];
            BothAgree(corrupted);
        }
    }
}
