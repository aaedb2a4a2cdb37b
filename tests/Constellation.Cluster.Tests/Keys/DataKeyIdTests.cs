using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Tests.Keys;

public class DataKeyIdTests
{
    [Test]
    public void A_canonical_uuid_parses_to_itself()
    {
        const string uuid = "3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47";

        StateDiskUuid.Parse(uuid).Value.Should().Be(uuid);
    }

    [Test]
    public void Upper_case_hex_digits_are_lower_cased_and_give_the_same_disk()
    {
        StateDiskUuid.Parse("3A1E5C52-7E1B-4B8F-A3C2-0F6D1E2B9C47").Should().Be(StateDiskUuid.Parse("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47"));
    }

    [TestCase("")]
    [TestCase("ca_emergency_ssh")]
    [TestCase("measurementSecret")]
    [TestCase("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c4")]
    [TestCase("3a1e5c527e1b4b8fa3c20f6d1e2b9c47")]
    [TestCase("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47 ")]
    [TestCase("3a1e5c52+7e1b-4b8f-a3c2-0f6d1e2b9c47")]
    [TestCase("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9cz7")]
    public void Anything_but_the_8_4_4_4_12_form_is_refused_without_quoting_it(string value)
    {
        var parse = () => StateDiskUuid.Parse(value);

        var message = parse.Should().Throw<FormatException>().Which.Message;
        message.Should().Contain("canonical UUID");
        if (value.Length > 0)
        {
            message.Should().NotContain(value.Trim());
        }
    }

    [Test]
    public void New_disk_uuids_are_canonical_random_version_4_uuids()
    {
        var uuids = Enumerable.Range(0, 256).Select(_ => StateDiskUuid.NewRandom().Value).ToList();

        uuids.Should().OnlyHaveUniqueItems();
        uuids.Should().OnlyContain(u => StateDiskUuid.Parse(u).Value == u);
        uuids.Should().OnlyContain(u => u[14] == '4' && "89ab".Contains(u[19], StringComparison.Ordinal));
        uuids.Select(u => u[0]).Distinct().Count().Should().BeGreaterThan(8, "the leading digit is random");
    }

    [Test]
    public void A_disk_prints_as_a_fingerprint_never_as_its_uuid()
    {
        var disk = StateDiskUuid.Parse("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47");

        disk.ToString().Should().NotContain("3a1e5c52").And.Contain(disk.Fingerprint);
        DataKeyId.StateDisk(disk).ToString().Should().NotContain("3a1e5c52").And.Contain(disk.Fingerprint);
        disk.Fingerprint.Should().MatchRegex("^sha256:[0-9a-f]{12}$");
    }

    [Test]
    public void The_wire_ids_of_the_three_namespaces_round_trip()
    {
        var disk = StateDiskUuid.Parse("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47");

        foreach (var id in new[] { DataKeyId.MeasurementSecret, DataKeyId.EmergencySshCaSeed, DataKeyId.StateDisk(disk) })
        {
            DataKeyId.TryParseWire(id.WireValue, out var parsed).Should().BeTrue();
            parsed.Should().Be(id);
        }

        DataKeyId.MeasurementSecret.WireValue.Should().Be("measurementSecret");
        DataKeyId.EmergencySshCaSeed.WireValue.Should().Be("ca_emergency_ssh");
        DataKeyId.StateDisk(disk).Disk.Should().Be(disk);
        DataKeyId.MeasurementSecret.Disk.Should().BeNull();
    }

    [TestCase("key-measurementSecret")]
    [TestCase("measurementsecret")]
    [TestCase("ca_emergency_ssh\0")]
    [TestCase("clusterID")]
    [TestCase("")]
    public void A_wire_id_outside_the_three_namespaces_is_refused(string value)
    {
        DataKeyId.TryParseWire(value, out var id).Should().BeFalse();
        id.Should().BeNull();
    }
}
