using System.Text;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// The fast path for the exact layout Go writes against the general reader: it accepts that layout, declines
/// everything else, and never accepts anything the general reader rejects or decodes differently.
/// </summary>
public class VtpmCanonicalReaderTests
{
    private static readonly byte[] UserData = [1, 2, 3];

    private static byte[] GceDocument(string? instanceInfo = null) =>
        new VtpmDocument(VtpmAttestation.ParseProtobuf(GceVector.Protobuf), instanceInfo is null ? [] : Encoding.UTF8.GetBytes(instanceInfo), UserData).ToJson();

    // Two banks of 24 PCRs, no event log: the shape of a qemu-vtpm or cloud document without its log.
    private static byte[] TwoBankDocument()
    {
        var source = VtpmAttestation.ParseProtobuf(GceVector.Protobuf);
        var quotes = source.Quotes.Where(q => q.Bank is TpmAlgorithm.Sha1 or TpmAlgorithm.Sha256);
        return new VtpmDocument(new VtpmAttestation(source.AkPublic.Span, quotes, default, default), default, UserData).ToJson();
    }

    private static void NeverDisagrees(byte[] json, string what)
    {
        var canonical = VtpmJsonReader.TryReadCanonical(json);
        if (canonical is null)
        {
            return;
        }

        VtpmDocument general;
        try
        {
            general = VtpmJsonReader.ReadGeneral(json);
        }
        catch (Exception ex) when (ex is AttestationException or System.Text.Json.JsonException)
        {
            Assert.Fail($"{what}: the fast path accepted what the general reader rejects ({ex.Message})");
            return;
        }

        canonical.ToJson().Should().Equal(general.ToJson(), what);
    }

    [Test]
    public void Documents_this_library_writes_take_the_fast_path_and_decode_like_the_general_reader()
    {
        foreach (var (name, json) in new[] { ("GCE, three banks and event log", GceDocument()), ("GCE with instance info", GceDocument("{\"zone\":\"z\"}")), ("two banks", TwoBankDocument()) })
        {
            var canonical = VtpmJsonReader.TryReadCanonical(json);

            canonical.Should().NotBeNull(name);
            canonical!.ToJson().Should().Equal(VtpmJsonReader.ReadGeneral(json).ToJson(), name);
            canonical.ToJson().Should().Equal(json, name);
        }
    }

    [TestCase(' ')]
    [TestCase('"')]
    [TestCase('\\')]
    [TestCase('0')]
    [TestCase('9')]
    [TestCase('A')]
    [TestCase('=')]
    [TestCase(',')]
    [TestCase('}')]
    [TestCase(':')]
    [TestCase('n')]
    [TestCase('\u0001')]
    public void Replacing_any_byte_never_makes_the_two_readers_disagree(char replacement)
    {
        var document = TwoBankDocument();
        for (var i = 0; i < document.Length; i++)
        {
            var changed = (byte[])document.Clone();
            changed[i] = (byte)replacement;
            NeverDisagrees(changed, $"byte {i} replaced by 0x{(int)replacement:x2}");
        }
    }

    [Test]
    public void Deleting_or_doubling_any_byte_and_truncating_anywhere_never_make_the_two_readers_disagree()
    {
        var document = TwoBankDocument();
        for (var i = 0; i < document.Length; i++)
        {
            NeverDisagrees([.. document.AsSpan(0, i), .. document.AsSpan(i + 1)], $"byte {i} deleted");
            NeverDisagrees([.. document.AsSpan(0, i + 1), .. document.AsSpan(i)], $"byte {i} doubled");
            NeverDisagrees(document[..i], $"truncated to {i} bytes");
        }
    }

    [TestCase("{\"Attestation\": {\"ak_pub\":\"AAE=\",\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "whitespace")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE=\",\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}\n", Description = "trailing newline")]
    [TestCase("{\"Attestation\":{\"AK_PUB\":\"AAE=\",\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "key in another case")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AA\\u0045=\",\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "escaped Base64")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE=\",\"TeeAttestation\":null,\"extra\":1},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "unknown key")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"03\":\"AQ==\"}}}],\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "PCR index with a leading zero")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"64\":\"AQ==\"}}}],\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "PCR index 64")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11,\"pcrs\":{\"3\":\"AQ==\",\"3\":\"Ag==\"}}}],\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "duplicate PCR index")]
    [TestCase("{\"Attestation\":{\"quotes\":[{\"pcrs\":{\"hash\":11.0,\"pcrs\":{\"3\":\"AQ==\"}}}],\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "fractional hash")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"AAE\",\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "Base64 without padding")]
    [TestCase("{\"Attestation\":{\"ak_pub\":\"A=E=\",\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "padding inside Base64")]
    [TestCase("{\"Attestation\":{\"intermediate_certs\":[\"AAE=\"],\"TeeAttestation\":null},\"InstanceInfo\":null,\"UserData\":\"BQ==\"}", Description = "intermediate certificates")]
    public void Anything_but_the_exact_layout_is_left_to_the_general_reader(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        VtpmJsonReader.TryReadCanonical(bytes).Should().BeNull();
        NeverDisagrees(bytes, json);
    }

    [Test]
    public void The_exact_layout_with_every_optional_field_is_read_by_the_fast_path()
    {
        var json = Encoding.UTF8.GetBytes(
            "{\"Attestation\":{\"ak_pub\":\"AAE=\",\"quotes\":[{\"quote\":\"AQI=\",\"raw_sig\":\"AwQ=\",\"pcrs\":{\"hash\":11,\"pcrs\":{\"0\":\"AQ==\",\"1\":\"Ag==\",\"10\":\"Aw==\"}}},"
            + "{\"pcrs\":{\"hash\":4}}],\"event_log\":\"BQY=\",\"ak_cert\":\"Bwg=\",\"TeeAttestation\":null},\"InstanceInfo\":\"CQo=\",\"UserData\":null}");

        var canonical = VtpmJsonReader.TryReadCanonical(json);

        canonical.Should().NotBeNull();
        canonical!.ToJson().Should().Equal(VtpmJsonReader.ReadGeneral(json).ToJson());
        canonical.Attestation.Quotes[0].Pcrs.Keys.Should().Equal(0, 1, 10);
        canonical.Attestation.EventLog.ToArray().Should().Equal(5, 6);
        canonical.InstanceInfo.ToArray().Should().Equal(9, 10);
        canonical.UserData.IsEmpty.Should().BeTrue();
    }
}
