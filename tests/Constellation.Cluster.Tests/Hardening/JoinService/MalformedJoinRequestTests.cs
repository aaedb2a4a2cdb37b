using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Cluster.Protos.Join;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.Hardening.JoinService;

/// <summary>
/// Every malformed or unacceptable join request is refused with <c>InvalidArgument</c> (the field is malformed) or
/// <c>PermissionDenied</c> (well-formed but not allowed), naming the field — never <c>Unknown</c>, never a ticket.
/// </summary>
public sealed class MalformedJoinRequestTests
{
    private ServiceStack _stack = null!;

    [OneTimeSetUp]
    public async Task Start() => _stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out _));

    [OneTimeTearDown]
    public async Task Stop() => await _stack.DisposeAsync();

    public static IEnumerable<TestCaseData> Malformed()
    {
        static TestCaseData Case(string name, Func<IssueJoinTicketRequest> request, StatusCode expected, string field) =>
            new TestCaseData(request, expected, field).SetName(name);

        yield return Case("Garbage instead of a CSR", () => Base(csr: Encoding.ASCII.GetBytes("not a CSR")), StatusCode.InvalidArgument, "certificate_request");
        yield return Case("An empty CSR", () => Base(csr: []), StatusCode.InvalidArgument, "certificate_request");
        yield return Case("A CSR with a trailing byte", () => Base(csr: [.. NodeCsr("trailing"), 0]), StatusCode.InvalidArgument, "certificate_request");
        yield return Case("A CSR whose signature does not verify", () => Base(csr: FlipLast(NodeCsr("badsig"))), StatusCode.InvalidArgument, "certificate_request");
        yield return Case("A CSR with a multi-valued RDN", () => Base(csr: MultiValuedRdnCsr()), StatusCode.PermissionDenied, "certificate_request.subject");
        yield return Case("A CSR with an RSA key", () => Base(csr: RsaCsr()), StatusCode.InvalidArgument, "certificate_request.public_key");
        yield return Case("A CSR with a P-384 key", () => Base(csr: EcCsr(ECCurve.NamedCurves.nistP384)), StatusCode.InvalidArgument, "certificate_request.public_key");
        yield return Case("A CSR whose CN lacks the node prefix", () => Base(csr: Csr.For("CN=admin, O=system:nodes")), StatusCode.PermissionDenied, "certificate_request.subject.CN");
        yield return Case("A CSR with a near-miss CN prefix", () => Base(csr: Csr.For("CN=system:nodes:x, O=system:nodes")), StatusCode.PermissionDenied, "certificate_request.subject.CN");
        yield return Case("A CSR with two CNs", () => Base(csr: Csr.For("CN=system:node:a, CN=system:node:b, O=system:nodes")), StatusCode.PermissionDenied, "certificate_request.subject.CN");
        yield return Case("A CSR for the masters group", () => Base(csr: Csr.For("CN=system:node:m, O=system:masters")), StatusCode.PermissionDenied, "certificate_request.subject.O");

        foreach (var (label, name) in new[]
        {
            ("with a space", "a b"),
            ("that walks up the directory tree", "../../etc"),
            ("with upper case", "Node-1"),
            ("of 300 characters", new string('a', 300)),
            ("of 254 characters", string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) [..254]),
            ("with a 64-character label", new string('a', 64) + ".example"),
            ("starting with a hyphen", "-node"),
            ("ending with a hyphen", "node-"),
            ("with an empty label", "a..b"),
            ("ending with a dot", "node."),
            ("starting with a dot", ".node"),
            ("with an underscore", "node_1"),
            ("with a slash", "a/b"),
            ("with non-ASCII letters", "nöde"),
            ("with a NUL", "node\0x"),
            ("with a colon", "node:1"),
        })
        {
            yield return Case($"A node name {label}", () => Base(csr: NodeCsr(name)), StatusCode.InvalidArgument, "certificate_request.subject.CN");
        }

        yield return Case("An empty disk UUID", () => Base(diskUuid: string.Empty), StatusCode.InvalidArgument, "disk_uuid");
        yield return Case("A disk UUID that is no UUID", () => Base(diskUuid: "not-a-uuid"), StatusCode.InvalidArgument, "disk_uuid");
        yield return Case("A disk UUID of a megabyte", () => Base(diskUuid: new string('a', 1 << 20)), StatusCode.InvalidArgument, "disk_uuid");
        yield return Case("A CSR of a megabyte", () => Base(csr: new byte[1 << 20]), StatusCode.InvalidArgument, "certificate_request");
        yield return Case("An SSH host key of a megabyte", () => WithHostKey(new byte[1 << 20], "node"), StatusCode.InvalidArgument, "host_public_key");
        yield return Case("An SSH host key that is garbage", () => WithHostKey(Encoding.ASCII.GetBytes("garbage!"), "node"), StatusCode.InvalidArgument, "host_public_key");
        yield return Case("An SSH host key without principals", () => WithHostKey(Ed25519Wire()), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("Ten thousand principals", () => WithHostKey(Ed25519Wire(), [.. Enumerable.Range(0, 10_000).Select(i => $"p{i}")]), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("A principal of 64 KiB", () => WithHostKey(Ed25519Wire(), new string('p', 64 * 1024)), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("An empty principal", () => WithHostKey(Ed25519Wire(), string.Empty), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("A wildcard principal", () => WithHostKey(Ed25519Wire(), "*"), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("A principal with a space", () => WithHostKey(Ed25519Wire(), "a b"), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("A principal with a comma", () => WithHostKey(Ed25519Wire(), "a,b"), StatusCode.InvalidArgument, "host_certificate_principals");
        yield return Case("Principals without a host key", () => WithPrincipalsOnly("node"), StatusCode.InvalidArgument, "host_certificate_principals");
    }

    // The request builder is typed as Func<object>: the generated wire types are internal, and a public test method
    // cannot name them.
    [TestCaseSource(nameof(Malformed))]
    public async Task A_malformed_join_request_is_refused_with_a_clear_status_never_unknown(Func<object> build, StatusCode expected, string field)
    {
        using var channel = _stack.JoinChannel();

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync((IssueJoinTicketRequest)build());

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        TestContext.Out.WriteLine($"{error.StatusCode}: {error.Status.Detail}");
        error.StatusCode.Should().NotBe(StatusCode.Unknown);
        error.StatusCode.Should().Be(expected, error.Status.Detail);
        error.Status.Detail.Should().Contain(field);
        error.Status.Detail.Length.Should().BeLessThan(600, "a refusal quotes at most a bounded part of the input");
    }

    private static IssueJoinTicketRequest Base(byte[]? csr = null, string? diskUuid = null) => new()
    {
        DiskUuid = diskUuid ?? Guid.NewGuid().ToString(),
        CertificateRequest = ByteString.CopyFrom(csr ?? NodeCsr("n-" + Guid.NewGuid().ToString("N")[..12])),
    };

    private static IssueJoinTicketRequest WithHostKey(byte[] hostKey, params string[] principals)
    {
        var request = Base();
        request.HostPublicKey = ByteString.CopyFrom(hostKey);
        request.HostCertificatePrincipals.Add(principals);
        return request;
    }

    private static IssueJoinTicketRequest WithPrincipalsOnly(params string[] principals)
    {
        var request = Base();
        request.HostCertificatePrincipals.Add(principals);
        return request;
    }

    private static byte[] NodeCsr(string nodeName)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("system:node:" + nodeName);
        subject.AddOrganizationName("system:nodes");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static byte[] FlipLast(byte[] der)
    {
        der[^2] ^= 0x01;
        return der;
    }

    private static byte[] MultiValuedRdnCsr()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("2.5.4.3");
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, "system:node:multi");
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("2.5.4.10");
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, "system:nodes");
                }
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(new X500DistinguishedName(writer.Encode()), key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static byte[] RsaCsr()
    {
        using var key = RSA.Create(2048);
        return new CertificateRequest("CN=system:node:rsa-node, O=system:nodes", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
    }

    private static byte[] EcCsr(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return new CertificateRequest("CN=system:node:p384-node, O=system:nodes", key, HashAlgorithmName.SHA384).CreateSigningRequest();
    }

    private static byte[] Ed25519Wire()
    {
        static byte[] Field(byte[] value) => [.. BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value.Length)), .. value];
        return [.. Field("ssh-ed25519"u8.ToArray()), .. Field(RandomNumberGenerator.GetBytes(32))];
    }
}
