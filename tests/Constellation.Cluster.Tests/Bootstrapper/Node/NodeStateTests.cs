using System.Text;
using Constellation.Cluster.Bootstrapper.Node;

namespace Constellation.Cluster.Tests.Bootstrapper.Node;

public class NodeStateTests
{
    [Test]
    public void The_file_is_tab_indented_with_role_and_salt()
    {
        var salt = Enumerable.Repeat((byte)0xfb, 32).ToArray();

        Encoding.UTF8.GetString(new NodeState(NodeRole.Worker, salt).ToJsonBytes())
            .Should().Be($"{{\n\t\"Role\": \"Worker\",\n\t\"MeasurementSalt\": \"{Convert.ToBase64String(salt)}\"\n}}");
    }

    [TestCase("controlplane", NodeRole.ControlPlane)]
    [TestCase("control-plane", NodeRole.ControlPlane)]
    [TestCase("ControlPlane", NodeRole.ControlPlane)]
    [TestCase("WORKER", NodeRole.Worker)]
    public void Roles_parse_case_insensitively(string role, NodeRole expected)
    {
        var json = $"{{\"Role\":\"{role}\",\"MeasurementSalt\":\"{Convert.ToBase64String(new byte[32])}\"}}";
        NodeState.Parse(Encoding.UTF8.GetBytes(json)).Role.Should().Be(expected);
    }

    [TestCase("{\"Role\":\"Admin\",\"MeasurementSalt\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}", "Role")]
    [TestCase("{\"Role\":\"Worker\",\"MeasurementSalt\":\"AAAA\"}", "32 bytes, got 3")]
    [TestCase("{\"Role\":\"Worker\"}", "expected")]
    [TestCase("[", "not valid JSON")]
    public void Malformed_state_is_refused(string json, string message)
    {
        var parse = () => NodeState.Parse(Encoding.UTF8.GetBytes(json));
        parse.Should().Throw<FormatException>().WithMessage($"*{message}*");
    }
}
