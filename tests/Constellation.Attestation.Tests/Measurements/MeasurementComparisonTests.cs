using System.Security.Cryptography;
using Constellation.Attestation;

namespace Constellation.Attestation.Tests.Measurements;

public class MeasurementComparisonTests
{
    private static byte[] Value(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    private static readonly MeasurementSet Expected = new(new Dictionary<uint, Measurement>
    {
        [4] = new(Value(0x44)),
        [8] = new(Value(0x00)),
        [9] = new(Value(0x99)),
        [12] = new(Value(0x12), warnOnly: true),
        [15] = new(Value(0x00)),
    });

    [Test]
    public void Matching_values_give_no_mismatch()
    {
        var actual = Expected.ToDictionary(kv => kv.Key, kv => kv.Value.Expected.ToArray());
        actual[22] = Value(0xEE);

        var comparison = Expected.Compare(actual);

        comparison.Mismatches.Should().BeEmpty();
        comparison.Succeeded.Should().BeTrue();
        comparison.Invoking(c => c.ThrowIfFailed()).Should().NotThrow();
    }

    [Test]
    public void Every_enforced_mismatch_is_reported_with_index_expected_and_actual_hex()
    {
        var actual = new Dictionary<uint, byte[]>
        {
            [4] = Value(0x45),
            [8] = Value(0x00),
            [9] = Value(0x98),
            [12] = Value(0x12),
            [15] = Value(0x01),
        };

        var error = Expected.Invoking(e => e.Compare(actual).ThrowIfFailed())
            .Should().Throw<MeasurementMismatchException>().Which;

        error.FailedIndices.Should().Equal(4u, 9u, 15u);
        error.Message.Should().Contain($"index 4: expected {Convert.ToHexStringLower(Value(0x44))}, got {Convert.ToHexStringLower(Value(0x45))}");
        error.Message.Should().Contain($"index 9: expected {Convert.ToHexStringLower(Value(0x99))}, got {Convert.ToHexStringLower(Value(0x98))}");
        error.Message.Should().Contain($"index 15: expected {Convert.ToHexStringLower(Value(0x00))}, got {Convert.ToHexStringLower(Value(0x01))}");
        error.Should().BeAssignableTo<AttestationException>();
    }

    [Test]
    public void Warn_only_mismatches_do_not_fail_but_are_reported_as_warnings()
    {
        var actual = Expected.ToDictionary(kv => kv.Key, kv => kv.Value.Expected.ToArray());
        actual[12] = Value(0x13);

        var comparison = Expected.Compare(actual);

        comparison.Succeeded.Should().BeTrue();
        comparison.Warnings.Select(w => w.Index).Should().Equal(12u);
        comparison.Warnings.Single().ToString().Should().Contain("index 12").And.Contain("warn-only");
    }

    [Test]
    public void A_missing_value_is_a_mismatch()
    {
        var actual = Expected.Where(kv => kv.Key != 9).ToDictionary(kv => kv.Key, kv => kv.Value.Expected.ToArray());

        var comparison = Expected.Compare(actual);

        comparison.Succeeded.Should().BeFalse();
        comparison.Failures.Single().Actual.Should().BeNull();
        comparison.Failures.Single().ToString().Should().StartWith("missing measurement value for index 9");
    }

    [Test]
    public void Cluster_id_extension_follows_pcr_event_semantics()
    {
        var clusterId = RandomNumberGenerator.GetBytes(32);

        var extended = Expected.WithClusterId(15, clusterId);

        var expected15 = SHA256.HashData(new byte[32].Concat(SHA256.HashData(clusterId)).ToArray());
        extended[15].Expected.Should().Equal(expected15);
        extended[15].WarnOnly.Should().BeFalse();
        extended[4].Should().Be(Expected[4]);
    }

    [Test]
    public void Without_a_cluster_id_the_register_is_not_checked()
    {
        Expected.WithClusterId(15, ReadOnlySpan<byte>.Empty).ContainsKey(15).Should().BeFalse();
    }

    [Test]
    public void Tdx_registers_extend_with_sha384()
    {
        var register = new byte[48];
        var data = "cluster"u8.ToArray();

        MeasurementSet.ExtendRegister(register, data).Should().Equal(SHA384.HashData(register.Concat(SHA384.HashData(data)).ToArray()));
    }

    [Test]
    public void The_ordered_comparison_of_the_validation_path_reports_exactly_what_the_dictionary_comparison_reports()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var actual = new SortedDictionary<uint, byte[]>();
            for (uint index = 0; index < 24; index++)
            {
                switch (random.Next(4))
                {
                    case 0:
                        break; // not reported
                    case 1:
                        actual[index] = Value((byte)random.Next(256));
                        break;
                    default:
                        actual[index] = Expected.TryGetValue(index, out var m) ? m.Expected.ToArray() : Value(0xEE);
                        break;
                }
            }

            var byDictionary = Expected.Compare(actual);
            var byOrder = Expected.Compare(Constellation.Attestation.Tpm.WireFormat.SortedPcrValues.FromOrdered(actual.Select(kv => new KeyValuePair<int, byte[]>((int)kv.Key, kv.Value)).ToArray()));

            byOrder.Mismatches.Select(Describe).Should().Equal(byDictionary.Mismatches.Select(Describe), $"trial {trial}");
            byOrder.Succeeded.Should().Be(byDictionary.Succeeded);
        }

        static string Describe(MeasurementMismatch m) => m.ToString();
    }
}
