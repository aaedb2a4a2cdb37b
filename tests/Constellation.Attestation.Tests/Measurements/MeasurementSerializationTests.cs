using System.Text;
using Constellation.Attestation;

namespace Constellation.Attestation.Tests.Measurements;

public class MeasurementSerializationTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    [TestCase("measurements.json")]
    [TestCase("measurements-tdx.json")]
    public void Json_samples_round_trip_byte_for_byte(string sample)
    {
        var text = Sample(sample);

        MeasurementJson.Serialize(MeasurementJson.Parse(text)).Should().Be(text);
    }

    [TestCase("measurements.yaml")]
    [TestCase("measurements-tdx.yaml")]
    public void Yaml_samples_round_trip_byte_for_byte(string sample)
    {
        var text = Sample(sample);

        MeasurementYaml.Serialize(MeasurementYaml.Parse(text)).Should().Be(text);
    }

    [Test]
    public void Json_and_yaml_samples_describe_the_same_measurements()
    {
        MeasurementJson.Parse(Sample("measurements.json")).Equals(MeasurementYaml.Parse(Sample("measurements.yaml"))).Should().BeTrue();
    }

    [Test]
    public void Json_keys_are_ordered_as_go_orders_map_keys()
    {
        var set = new MeasurementSet(new Dictionary<uint, Measurement>
        {
            [4] = new(new byte[32]),
            [11] = new(new byte[32]),
            [15] = new(new byte[32], warnOnly: true),
        });

        var json = MeasurementJson.Serialize(set);

        json.IndexOf("\"11\"", StringComparison.Ordinal).Should().BeLessThan(json.IndexOf("\"15\"", StringComparison.Ordinal));
        json.IndexOf("\"15\"", StringComparison.Ordinal).Should().BeLessThan(json.IndexOf("\"4\"", StringComparison.Ordinal));
    }

    [Test]
    public void Parsed_values_carry_index_value_and_enforcement()
    {
        var set = MeasurementJson.Parse(Sample("measurements.json"));

        set.Keys.Should().Equal(4u, 8u, 9u, 11u, 12u, 13u, 15u);
        set[4].ToHex().Should().Be("d690bdac2aa8b73a1d718cb91990df07d0747b07ea57b3b2d0f0d511f0d90491");
        set[4].WarnOnly.Should().BeFalse();
        set[12].WarnOnly.Should().BeTrue();
        set.ValueLength.Should().Be(32);
    }

    [Test]
    public void The_legacy_bare_hex_form_reads_as_enforced()
    {
        var set = MeasurementJson.Parse(Sample("measurements-legacy.json"));

        set.Keys.Should().Equal(4u, 15u);
        set.Values.Should().OnlyContain(m => !m.WarnOnly);
    }

    [Test]
    public void A_missing_warn_only_field_means_enforced()
    {
        var set = MeasurementJson.Parse("{\"4\":{\"expected\":\"" + new string('a', 64) + "\"}}");

        set[4].WarnOnly.Should().BeFalse();
    }

    [Test]
    public void Field_names_match_case_insensitively_like_go()
    {
        var set = MeasurementJson.Parse("{\"4\":{\"Expected\":\"" + new string('A', 64) + "\",\"WARNONLY\":true}}");

        set[4].ToHex().Should().Be(new string('a', 64));
        set[4].WarnOnly.Should().BeTrue();
    }

    [TestCase(31)]
    [TestCase(33)]
    [TestCase(47)]
    [TestCase(64)]
    [TestCase(0)]
    public void Values_that_are_not_32_or_48_bytes_are_rejected_with_the_length(int length)
    {
        var json = "{\"9\":{\"expected\":\"" + new string('0', length * 2) + "\",\"warnOnly\":false}}";

        var act = () => MeasurementJson.Parse(json);

        act.Should().Throw<AttestationFormatException>().WithMessage($"*index 9*32 or 48 bytes, got {length}*");
    }

    [Test]
    public void Mixed_value_lengths_are_rejected_as_inconsistent()
    {
        var json = "{\"0\":{\"expected\":\"" + new string('0', 96) + "\"},\"4\":{\"expected\":\"" + new string('0', 64) + "\"}}";

        var act = () => MeasurementJson.Parse(json);

        act.Should().Throw<AttestationFormatException>().WithMessage("inconsistent measurement length*48 bytes and 32 bytes*");
    }

    [TestCase("{\"4\":{\"expected\":\"zz\"}}", "*index 4*expected hex*")]
    [TestCase("{\"x\":{\"expected\":\"00\"}}", "*register index*\"x\"*")]
    [TestCase("{\"-1\":{\"expected\":\"00\"}}", "*register index*\"-1\"*")]
    [TestCase("{\"4\":{\"expected\":\"00\",\"warnonly\":\"yes\"}}", "*warnOnly*")]
    [TestCase("{\"4\":{\"expectd\":\"00\"}}", "*unknown field \"expectd\"*")]
    [TestCase("{\"4\":{\"warnOnly\":true}}", "*index 4*missing \"expected\"*")]
    [TestCase("[]", "*expected an object*")]
    [TestCase("{\"4\":{}} trailing", "measurements JSON*")]
    [TestCase("{\"4\":", "measurements JSON*")]
    public void Malformed_json_gives_a_format_error_naming_the_problem(string json, string pattern)
    {
        var act = () => MeasurementJson.Parse(json);

        act.Should().Throw<AttestationFormatException>().WithMessage(pattern);
    }

    [Test]
    public void A_repeated_index_is_rejected()
    {
        var zero = new string('0', 64);
        var act = () => MeasurementJson.Parse("{\"4\":\"" + zero + "\",\"04\":\"" + zero + "\"}");

        act.Should().Throw<AttestationFormatException>().WithMessage("*index 4 appears more than once*");
    }

    [TestCase("4: [1, 2]\n", "*index 4*")]
    [TestCase("- 1\n- 2\n", "*expected a mapping*")]
    [TestCase("4:\n  expected: abc\n", "*index 4*")]
    [TestCase("4: {expected: \"00\", color: red}\n", "*unknown field \"color\"*")]
    [TestCase("4: {expected: [\n", "measurements YAML*")]
    public void Malformed_yaml_gives_a_format_error_naming_the_problem(string yaml, string pattern)
    {
        var act = () => MeasurementYaml.Parse(yaml);

        act.Should().Throw<AttestationFormatException>().WithMessage(pattern);
    }

    [Test]
    public void Empty_sets_serialise_as_empty_objects_and_parse_back()
    {
        MeasurementJson.Serialize(MeasurementSet.Empty).Should().Be("{}");
        MeasurementYaml.Serialize(MeasurementSet.Empty).Should().Be("{}\n");
        MeasurementYaml.Parse("{}\n").Should().BeEmpty();
        MeasurementYaml.Parse(string.Empty).Should().BeEmpty();
        MeasurementJson.Parse(Encoding.UTF8.GetBytes("{}")).Should().BeEmpty();
    }

    [TestCase("0000000000000000000000000000000000000000000000000000000000000000", true)]
    [TestCase("1234123412341234123412341234123412341234123412341234123412341234", true)]
    [TestCase("12341234123412341234123412341234123412341234123412341234123e0012", true)]
    [TestCase("12341234123412341234123412341234e1234123412341234123412341234123", false)] // overflows to infinity: yaml.v3 keeps it a string
    [TestCase("d690bdac2aa8b73a1d718cb91990df07d0747b07ea57b3b2d0f0d511f0d90491", false)]
    [TestCase("1234123412341234123412341234123412341234123412341234123412341e3f", false)]
    public void Yaml_quotes_hex_that_a_resolver_would_read_as_a_number(string hex, bool quoted)
    {
        MeasurementYaml.QuoteIfNeeded(hex).Should().Be(quoted ? $"\"{hex}\"" : hex);
    }
}
