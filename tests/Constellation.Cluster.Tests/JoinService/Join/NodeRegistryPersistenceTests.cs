using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Tests.JoinService.Join;

/// <summary>
/// The name ↔ disk bindings survive a restart of the cluster services: a restarted join service still refuses a
/// bound name to another disk and still hands rejoin keys only to disks that joined. The file is a credential store
/// (disk UUIDs), read strictly.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class NodeRegistryPersistenceTests
{
    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("hosts-registry-").FullName;
        _path = Path.Combine(_dir, "node-registry.json");
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void A_restarted_join_service_still_refuses_a_bound_name_to_another_disk()
    {
        var owner = StateDiskUuid.NewRandom();
        NodeNameRegistry.Open(_path).Claim("node-1", owner);

        var restarted = NodeNameRegistry.Open(_path);
        var steal = () => restarted.Claim("node-1", StateDiskUuid.NewRandom());

        steal.Should().Throw<JoinRequestRejectedException>().Which.Field.Should().Be("certificate_request.subject.CN");
        restarted.IsBound(owner).Should().BeTrue("its rejoin is still served");
        restarted.Claim("node-1", owner);
        var secondName = () => restarted.Claim("node-2", owner);
        secondName.Should().Throw<JoinRequestRejectedException>().Which.Field.Should().Be("disk_uuid");
    }

    [Test]
    public void A_disk_that_never_joined_is_still_unknown_after_a_restart()
    {
        NodeNameRegistry.Open(_path).Claim("node-1", StateDiskUuid.NewRandom());

        NodeNameRegistry.Open(_path).IsBound(StateDiskUuid.NewRandom()).Should().BeFalse();
    }

    [Test]
    public void The_file_is_owner_only_and_replaced_whole()
    {
        var registry = NodeNameRegistry.Open(_path);
        for (var i = 0; i < 5; i++)
        {
            registry.Claim($"node-{i}", StateDiskUuid.NewRandom());
        }

        File.GetUnixFileMode(_path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.GetFiles(_dir).Should().ContainSingle("no temporary file is left behind");
        NodeNameRegistry.Open(_path).Count.Should().Be(5);
    }

    [Test]
    public void A_binding_that_cannot_be_recorded_is_not_made()
    {
        var blocked = Path.Combine(_dir, "not-a-directory");
        File.WriteAllText(blocked, "x");
        var registry = NodeNameRegistry.Open(Path.Combine(blocked, "node-registry.json"));
        var disk = StateDiskUuid.NewRandom();

        var claim = () => registry.Claim("node-1", disk);

        claim.Should().Throw<NodeRegistryException>().Which.Message.Should().NotContain(disk.Value);
        registry.IsBound(disk).Should().BeFalse();
        registry.Count.Should().Be(0);
    }

    [TestCase("""{"version":1,"bindings":[{"nodeName":"node-1","diskUuid":"@A"}],"extra":1}""", "unparseable")]
    [TestCase("""{"version":2,"bindings":[]}""", "version 2")]
    [TestCase("""{"version":1}""", "bindings")]
    [TestCase("""{"version":1,"bindings":[{"nodeName":"Node_1","diskUuid":"@A"}]}""", "nodeName")]
    [TestCase("""{"version":1,"bindings":[{"nodeName":"node-1","diskUuid":"not-a-uuid"}]}""", "diskUuid")]
    [TestCase("""{"version":1,"bindings":[{"nodeName":"node-1","diskUuid":"@A"},{"nodeName":"node-1","diskUuid":"@B"}]}""", "binding 1")]
    [TestCase("""{"version":1,"bindings":[{"nodeName":"node-1","diskUuid":"@A"},{"nodeName":"node-2","diskUuid":"@A"}]}""", "binding 1")]
    [TestCase("""[""", "unparseable")]
    public void A_registry_it_cannot_trust_stops_the_join_service(string json, string expected)
    {
        var a = StateDiskUuid.NewRandom().Value;
        var b = StateDiskUuid.NewRandom().Value;
        File.WriteAllText(_path, json.Replace("@A", a, StringComparison.Ordinal).Replace("@B", b, StringComparison.Ordinal));

        var open = () => NodeNameRegistry.Open(_path);

        var message = open.Should().Throw<NodeRegistryException>().Which.Message;
        message.Should().Contain(expected).And.Contain(_path);
        message.Should().NotContain(a).And.NotContain(b);
    }

    [Test]
    public void A_missing_file_is_an_empty_registry()
    {
        NodeNameRegistry.Open(_path).Count.Should().Be(0);
        File.Exists(_path).Should().BeFalse("nothing is written before the first binding");
    }
}
