using System.Globalization;
using System.Text;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;

namespace Constellation.Attestation.Tests.Tpm;

/// <summary>
/// The PCR map reader writes values straight to their final place in the normal case (one length, indices 0…n−1)
/// and sorts them into place otherwise. Every shape must decode to exactly what the DOM decoder (the oracle) decodes.
/// </summary>
public class VtpmPcrMapLayoutTests
{
    private static byte[] Document(IEnumerable<(string Key, string Value)> entries, int padding = 0)
    {
        var map = string.Join(",", entries.Select(e => $"\"{e.Key}\":{e.Value}"));
        return Encoding.UTF8.GetBytes(
            $"{{\"Attestation\":{{\"ak_pub\":\"AAE=\",\"quotes\":[{{\"quote\":\"AQI=\",\"pcrs\":{{\"hash\":11,\"pcrs\":{{{map}}}}}}}]}},\"UserData\":\"BQ==\"}}"
            + new string(' ', padding));
    }

    private static string Base64Value(int index, int length) =>
        $"\"{Convert.ToBase64String(Enumerable.Range(0, length).Select(i => (byte)((index * 31) + i)).ToArray())}\"";

    // Go's encoding/json writes map keys in string order.
    private static IEnumerable<(string, string)> GoOrder(IEnumerable<int> indices, Func<int, int> length) =>
        indices.Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)
            .Select(key => (key, Base64Value(int.Parse(key, CultureInfo.InvariantCulture), length(int.Parse(key, CultureInfo.InvariantCulture)))));

    private static void DecodesLikeTheOracle(byte[] json)
    {
        var expected = VtpmDomReferenceDecoder.Parse(json);

        var actual = VtpmDocument.Parse(json);

        var expectedPcrs = expected.Attestation.Quotes.Single().Pcrs;
        var actualPcrs = actual.Attestation.Quotes.Single().Pcrs;
        actualPcrs.Keys.Should().Equal(expectedPcrs.Keys);
        foreach (var (index, value) in expectedPcrs)
        {
            actualPcrs[index].Should().Equal(value, $"PCR {index}");
        }

        actual.ToJson().Should().Equal(expected.ToJson());
        actual.UserData.ToArray().Should().Equal(5);
    }

    [TestCase(24, 32)]
    [TestCase(24, 20)]
    [TestCase(64, 64)]
    [TestCase(1, 32)]
    [TestCase(24, 0)]
    public void A_dense_map_of_one_value_length_in_Go_order_decodes_in_index_order(int count, int length) =>
        DecodesLikeTheOracle(Document(GoOrder(Enumerable.Range(0, count), _ => length)));

    [Test]
    public void Sparse_indices_decode_in_index_order() =>
        DecodesLikeTheOracle(Document(GoOrder([0, 5, 7, 23], _ => 32)));

    [Test]
    public void Values_of_different_lengths_decode_each_with_its_own_length() =>
        DecodesLikeTheOracle(Document(GoOrder(Enumerable.Range(0, 24), i => i % 3 == 0 ? 20 : 32)));

    [Test]
    public void Indices_of_64_and_above_decode_after_the_small_ones() =>
        DecodesLikeTheOracle(Document(GoOrder([0, 1, 63, 64, 100, 4000], _ => 32)));

    [Test]
    public void A_value_longer_than_any_digest_decodes_whole() =>
        DecodesLikeTheOracle(Document(GoOrder([0, 1, 2], i => i == 1 ? 200 : 32)));

    [Test]
    public void Escaped_and_whitespace_Base64_values_take_the_general_decoder_and_land_in_place() =>
        DecodesLikeTheOracle(Document([("0", Base64Value(0, 32)), ("1", "\"AAEC\\u0041AAA\""), ("2", "\"AAEC AAEC\""), ("3", Base64Value(3, 32))]));

    [Test]
    public void A_duplicate_index_of_64_or_more_is_rejected_naming_it()
    {
        var json = Document([("100", Base64Value(1, 32)), ("7", Base64Value(7, 32)), ("100", Base64Value(2, 32))]);

        var act = () => VtpmDocument.Parse(json);

        act.Should().Throw<AttestationFormatException>().WithMessage("*PCR 100 appears more than once*");
    }

    [Test]
    public void Every_document_length_decodes_the_same_also_where_the_values_must_be_packed_to_fit()
    {
        // A value placed at index × length can leave gaps; when the next value does not fit after them, the reader
        // packs the values first. Padding the document sweeps the arena size across that boundary.
        var entries = new[] { ("7", Base64Value(7, 32)), ("0", Base64Value(0, 20)), ("1", Base64Value(1, 20)) };
        for (var padding = 0; padding < 400; padding++)
        {
            DecodesLikeTheOracle(Document(entries, padding));
        }
    }

    [Test]
    public void Random_maps_decode_like_the_oracle()
    {
        var random = new Random(20261123);
        for (var trial = 0; trial < 300; trial++)
        {
            var indices = Enumerable.Range(0, 70).Where(_ => random.Next(3) > 0).Take(random.Next(1, 40)).ToArray();
            var lengths = random.Next(4) == 0 ? indices.ToDictionary(i => i, _ => random.Next(0, 70)) : indices.ToDictionary(i => i, _ => 32);
            var entries = GoOrder(indices, i => lengths[i]).ToArray();
            random.Shuffle(entries);
            DecodesLikeTheOracle(Document(entries, random.Next(0, 64)));
        }
    }

    [Test]
    public void The_quote_digest_input_is_the_values_in_index_order_back_to_back()
    {
        var values = Enumerable.Range(0, 24).ToDictionary(i => i, i => TpmHash.Compute(TpmAlgorithm.Sha256, [(byte)i]));
        var json = Document(values.Select(kv => kv.Key.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)
            .Select(key => (key, $"\"{Convert.ToBase64String(values[int.Parse(key, CultureInfo.InvariantCulture)])}\"")));

        var quote = VtpmDocument.Parse(json).Attestation.Quotes.Single();

        TpmQuoteVerifier.ComputePcrDigest(TpmAlgorithm.Sha256, quote.Pcrs.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()))
            .Should().Equal(TpmQuoteVerifier.ComputePcrDigest(TpmAlgorithm.Sha256, values));
    }
}
