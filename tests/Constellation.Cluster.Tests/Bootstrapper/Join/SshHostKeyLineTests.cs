using System.Buffers.Binary;
using Constellation.Cluster.Bootstrapper.Join;

namespace Constellation.Cluster.Tests.Bootstrapper.Join;

/// <summary>The join client's reading of an OpenSSH public key line into the wire format the join request carries.</summary>
public class SshHostKeyLineTests
{
    private static byte[] Wire(string type, byte[] key)
    {
        static byte[] Field(byte[] value)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            return [.. length, .. value];
        }

        return [.. Field(System.Text.Encoding.ASCII.GetBytes(type)), .. Field(key)];
    }

    [Test]
    public void A_public_key_line_with_a_comment_and_a_trailing_newline_becomes_its_wire_format()
    {
        var wire = Wire("ssh-ed25519", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        SshHostKeyLine.ToWireFormat($"ssh-ed25519 {Convert.ToBase64String(wire)} root@node\n", "SshHostPublicKey").Should().Equal(wire);
    }

    [Test]
    public void A_line_whose_type_is_not_the_key_inside_is_refused_naming_both()
    {
        var wire = Wire("ssh-ed25519", new byte[32]);

        var act = () => SshHostKeyLine.ToWireFormat($"ssh-rsa {Convert.ToBase64String(wire)}", "SshHostPublicKey");

        act.Should().Throw<ArgumentException>().WithMessage("SshHostPublicKey: the line names \"ssh-rsa\" but the key inside is \"ssh-ed25519\"*");
    }

    [TestCase("ssh-ed25519", "1 field(s)")]
    [TestCase("ssh-ed25519 not*base64", "the key field is not Base64")]
    [TestCase("ssh-ed25519 AAAA", "the line names \"ssh-ed25519\" but the key inside is not an SSH wire-format key")]
    public void A_line_that_is_not_an_OpenSSH_public_key_is_refused_saying_why(string line, string reason)
    {
        var act = () => SshHostKeyLine.ToWireFormat(line, "SshHostPublicKey");

        act.Should().Throw<ArgumentException>().WithMessage($"SshHostPublicKey: *{reason}*");
    }
}
