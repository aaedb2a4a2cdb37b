using System.Diagnostics;
using System.Text;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.JoinService.Ssh;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Constellation.Tests.Swtpm;
using Google.Protobuf;

namespace Constellation.Cluster.Tests.JoinService.Ssh;

/// <summary>
/// The emergency SSH CA fields of the join ticket, checked by an independent implementation: OpenSSH's ssh-keygen
/// parses the certificate and verifies the CA signature (`ssh-keygen -L`). Fails loudly when ssh-keygen is missing.
/// </summary>
public class SshHostCertificateTests
{
    private ServiceStack _stack = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out _));
        _dir = Directory.CreateTempSubdirectory("ssh-ca-").FullName;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _stack.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task A_node_that_sends_its_host_key_gets_a_host_certificate_that_ssh_keygen_verifies_against_the_cluster_ca()
    {
        var hostKeyWire = await NewHostKeyAsync("node-a");
        using var channel = _stack.JoinChannel();

        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(Request("worker-ssh", hostKeyWire, "worker-ssh", "10.0.0.7"));

        var expectedCa = new EmergencySshCa(DataKeys.EmergencySshCaSeed(_stack.Master));
        ticket.AuthorizedCaPublicKey.ToByteArray().Should().Equal(expectedCa.AuthorizedKeyLine());
        var caFile = Path.Combine(_dir, "ca.pub");
        await File.WriteAllBytesAsync(caFile, ticket.AuthorizedCaPublicKey.ToByteArray());
        var certFile = Path.Combine(_dir, "node-a-cert.pub");
        await File.WriteAllBytesAsync(certFile, ticket.HostCertificate.ToByteArray());

        var (code, listing) = await SshKeygenAsync("-L", "-f", certFile);
        var (_, caFingerprint) = await SshKeygenAsync("-l", "-f", caFile);

        code.Should().Be(0, listing);
        listing.Should().Contain("ssh-ed25519-cert-v01@openssh.com host certificate")
            .And.Contain("Key ID: \"worker-ssh\"")
            .And.Contain("Signing CA: ED25519 " + caFingerprint.Split(' ')[1])
            .And.Contain("Valid: after ")
            .And.MatchRegex(@"Principals:\s+worker-ssh\s+10\.0\.0\.7");
    }

    [Test]
    public async Task A_certificate_with_a_flipped_byte_in_its_signed_part_is_refused_by_ssh_keygen()
    {
        var hostKeyWire = await NewHostKeyAsync("node-b");
        var ca = new EmergencySshCa(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var line = Encoding.ASCII.GetString(ca.SignHostCertificate(SshPublicKey.Parse(hostKeyWire), "node-b", ["node-b"], DateTimeOffset.UtcNow, null));
        var blob = Convert.FromBase64String(line.Split(' ')[1]);
        var keyIdOffset = blob.AsSpan().IndexOf("node-b"u8);
        blob[keyIdOffset] ^= 0x01; // "node-b" -> "onde-b": the key id is signed
        var certFile = Path.Combine(_dir, "tampered-cert.pub");
        await File.WriteAllTextAsync(certFile, $"{line.Split(' ')[0]} {Convert.ToBase64String(blob)}\n");

        var (code, output) = await SshKeygenAsync("-L", "-f", certFile);

        code.Should().NotBe(0, "OpenSSH verifies the CA signature when it loads a certificate: {0}", output);
    }

    [Test]
    public async Task A_host_key_that_is_not_an_ssh_public_key_is_refused_naming_the_field()
    {
        using var channel = _stack.JoinChannel();
        var request = Request("worker-garbage", "\0\0\0\u0007ssh-dss\0\0"u8.ToArray(), "worker-garbage");

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(request);

        (await call.Should().ThrowAsync<Grpc.Core.RpcException>()).Which.Status.Detail.Should().Contain("host_public_key");
    }

    [Test]
    public void Truncated_or_padded_host_keys_are_refused_with_a_typed_error()
    {
        var wire = new SshWireWriter().String("ssh-ed25519").String(new byte[32]).ToArray();
        SshPublicKey.Parse(wire).Type.Should().Be("ssh-ed25519");

        for (var length = 0; length < wire.Length; length++)
        {
            var cut = wire[..length];
            var parse = () => SshPublicKey.Parse(cut);
            parse.Should().Throw<JoinRequestRejectedException>($"a {length}-byte prefix is not a key");
        }

        var padded = wire.Concat(new byte[] { 0 }).ToArray();
        ((Action)(() => SshPublicKey.Parse(padded))).Should().Throw<JoinRequestRejectedException>().WithMessage("*trailing*");
    }

    private static IssueJoinTicketRequest Request(string nodeName, byte[] hostKeyWire, params string[] principals)
    {
        var request = new IssueJoinTicketRequest
        {
            DiskUuid = Guid.NewGuid().ToString(),
            CertificateRequest = ByteString.CopyFrom(Csr.ForNode(nodeName, System.Net.IPAddress.Loopback)),
            HostPublicKey = ByteString.CopyFrom(hostKeyWire),
        };
        request.HostCertificatePrincipals.Add(principals);
        return request;
    }

    private async Task<byte[]> NewHostKeyAsync(string name)
    {
        var keyFile = Path.Combine(_dir, name);
        var (code, output) = await SshKeygenAsync("-q", "-t", "ed25519", "-N", string.Empty, "-C", name, "-f", keyFile);
        code.Should().Be(0, output);
        return Convert.FromBase64String((await File.ReadAllTextAsync(keyFile + ".pub")).Split(' ')[1]);
    }

    private static async Task<(int Code, string Output)> SshKeygenAsync(params string[] args)
    {
        var executable = SwtpmProcess.FindExecutable("ssh-keygen")
            ?? throw new InvalidOperationException("ssh-keygen is not installed (apt-get install openssh-client; .ci/run installs it)");
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("ssh-keygen did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
