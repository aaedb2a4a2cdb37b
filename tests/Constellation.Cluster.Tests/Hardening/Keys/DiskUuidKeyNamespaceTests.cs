using System.Net;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.Hardening.Keys;

/// <summary>
/// <c>disk_uuid</c> becomes a key id; only a canonical UUID may. The cluster's internal key ids (the emergency SSH CA
/// seed, the measurement secret) and anything else that is not a UUID are refused before the key service is asked.
/// </summary>
public sealed class DiskUuidKeyNamespaceTests
{
    private ServiceStack _stack = null!;

    [OneTimeSetUp]
    public async Task Start() => _stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out _));

    [OneTimeTearDown]
    public async Task Stop() => await _stack.DisposeAsync();

    public static IEnumerable<TestCaseData> NotCanonicalUuids()
    {
        yield return new TestCaseData("ca_emergency_ssh").SetName("The SSH CA seed id is not a disk");
        yield return new TestCaseData("measurementSecret").SetName("The measurement secret id is not a disk");
        yield return new TestCaseData("clusterID").SetName("Another internal-looking id is not a disk");
        yield return new TestCaseData("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c4").SetName("A UUID one digit short");
        yield return new TestCaseData("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47a").SetName("A UUID one digit long");
        yield return new TestCaseData("3a1e5c527e1b4b8fa3c20f6d1e2b9c47").SetName("A UUID without hyphens");
        yield return new TestCaseData("{3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47}").SetName("A UUID in braces");
        yield return new TestCaseData(" 3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47").SetName("A UUID with leading space");
        yield return new TestCaseData("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c47\n").SetName("A UUID with a trailing newline");
        yield return new TestCaseData("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9g47").SetName("A UUID with a non-hex digit");
        yield return new TestCaseData("3a1e5c52_7e1b_4b8f_a3c2_0f6d1e2b9c47").SetName("A UUID with underscores");
        yield return new TestCaseData("3a1e5c52-7e1b-4b8f-a3c2-0f6d1e2b9c4٧").SetName("A UUID with an Arabic-Indic digit");
    }

    [TestCaseSource(nameof(NotCanonicalUuids))]
    public async Task A_join_with_a_disk_uuid_that_is_not_a_canonical_uuid_is_refused_with_no_key_material(string diskUuid)
    {
        using var channel = _stack.JoinChannel();
        var request = new IssueJoinTicketRequest { DiskUuid = diskUuid, CertificateRequest = ByteString.CopyFrom(Csr.ForNode("ns-" + Guid.NewGuid().ToString("N")[..8], IPAddress.Loopback)) };

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(request);

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("disk_uuid");
    }

    [TestCaseSource(nameof(NotCanonicalUuids))]
    public async Task A_rejoin_with_a_disk_uuid_that_is_not_a_canonical_uuid_is_refused_with_no_key_material(string diskUuid)
    {
        using var channel = _stack.JoinChannel();

        var call = async () => await new API.APIClient(channel).IssueRejoinTicketAsync(new IssueRejoinTicketRequest { DiskUuid = diskUuid });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain("disk_uuid");
    }

    [Test]
    public async Task An_upper_case_disk_uuid_gets_the_key_of_its_lower_case_form_as_the_init_server_derives_it()
    {
        using var channel = _stack.JoinChannel();
        var lower = Guid.NewGuid().ToString();
        var request = new IssueJoinTicketRequest { DiskUuid = lower.ToUpperInvariant(), CertificateRequest = ByteString.CopyFrom(Csr.ForNode("upper-case-node", IPAddress.Loopback)) };

        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(request);

        ticket.StateDiskKey.ToByteArray().Should().Equal(
            ClusterKeyDerivation.DeriveKey(_stack.Master.Key.Span, _stack.Master.Salt.Span, "key-" + lower, 32));
    }

    [Test]
    public async Task The_upper_and_lower_case_spellings_of_a_uuid_are_one_disk_for_the_name_binding()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var lower = Guid.NewGuid().ToString();
        await client.IssueJoinTicketAsync(new IssueJoinTicketRequest { DiskUuid = lower, CertificateRequest = ByteString.CopyFrom(Csr.ForNode("case-owner", IPAddress.Loopback)) });

        var call = async () => await client.IssueJoinTicketAsync(
            new IssueJoinTicketRequest { DiskUuid = lower.ToUpperInvariant(), CertificateRequest = ByteString.CopyFrom(Csr.ForNode("case-thief", IPAddress.Loopback)) });

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.PermissionDenied);
    }
}
