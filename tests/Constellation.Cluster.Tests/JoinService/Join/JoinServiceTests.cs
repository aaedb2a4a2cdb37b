using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Constellation.Cluster.Transport;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.JoinService.Join;

public class JoinServiceTests
{
    private ServiceStack _stack = null!;
    private CapturingLoggerProvider _logs = null!;

    [OneTimeSetUp]
    public async Task Start() => _stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out _logs), null, "cp-b", "quiet");

    [OneTimeTearDown]
    public async Task Stop() => await _stack.DisposeAsync();

    private static IssueJoinTicketRequest Request(string nodeName, string? diskUuid = null, bool controlPlane = false) => new()
    {
        DiskUuid = diskUuid ?? Guid.NewGuid().ToString(),
        CertificateRequest = ByteString.CopyFrom(Csr.ForNode(nodeName, System.Net.IPAddress.Loopback)),
        IsControlPlane = controlPlane,
    };

    [Test]
    public async Task An_attested_worker_gets_a_complete_ticket()
    {
        using var channel = _stack.JoinChannel();
        var request = Request("worker-a");

        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(request);

        ticket.StateDiskKey.ToByteArray().Should().Equal(DataKeys.Disk(_stack.Master, request.DiskUuid));
        ticket.MeasurementSecret.ToByteArray().Should().Equal(DataKeys.MeasurementSecret(_stack.Master));
        ticket.MeasurementSalt.ToByteArray().Should().Equal(_stack.MeasurementSalt);
        ticket.Token.Should().MatchRegex("^[a-z0-9]{6}\\.[a-z0-9]{16}$");
        ticket.ApiServerEndpoint.Should().Be("127.0.0.1:6443");
        ticket.DiscoveryTokenCaCertHash.Should().Be(_stack.Kubernetes.DiscoveryTokenCaCertHash);
        ticket.ControlPlaneFiles.Select(f => f.Name).Should().Equal(["ca.crt"], "a worker gets the cluster CA certificate only, never a control plane's keys");
        ticket.ControlPlaneFiles.Should().OnlyContain(f => !f.Data.ToStringUtf8().Contains("PRIVATE KEY"));
        using var certificate = X509Certificate2.CreateFromPem(ticket.KubeletCert.ToStringUtf8());
        certificate.Subject.Should().Be("CN=system:node:worker-a, O=system:nodes");
        certificate.Issuer.Should().Be(_stack.Kubernetes.CaCertificate.Subject);
        _stack.Kubernetes.TryRedeemToken(ticket.Token).Should().BeTrue();
    }

    [Test]
    public async Task A_control_plane_gets_the_control_plane_files()
    {
        using var channel = _stack.JoinChannel();

        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(Request("cp-b", controlPlane: true));

        ticket.ControlPlaneFiles.Select(f => f.Name).Should().BeEquivalentTo("ca.crt", "ca.key");
        Encoding.ASCII.GetString(ticket.ControlPlaneFiles.Single(f => f.Name == "ca.crt").Data.Span).Should().Contain("BEGIN CERTIFICATE");
    }

    [Test]
    public async Task A_csr_for_another_nodes_name_is_refused()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        await client.IssueJoinTicketAsync(Request("victim", diskUuid: "11111111-1111-1111-1111-111111111111"));

        var steal = async () => await client.IssueJoinTicketAsync(Request("victim", diskUuid: "22222222-2222-2222-2222-222222222222"));

        var error = (await steal.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain("certificate_request.subject.CN").And.Contain("system:node:victim");
    }

    [Test]
    public async Task The_same_node_may_ask_again_for_its_own_name()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        const string disk = "33333333-3333-3333-3333-333333333333";
        await client.IssueJoinTicketAsync(Request("retrying", diskUuid: disk));

        var again = await client.IssueJoinTicketAsync(Request("retrying", diskUuid: disk));

        again.StateDiskKey.ToByteArray().Should().Equal(DataKeys.Disk(_stack.Master, disk));
    }

    [TestCase("CN=system:node:x, O=system:masters", "certificate_request.subject.O")]
    [TestCase("CN=admin, O=system:nodes", "certificate_request.subject.CN")]
    public async Task A_csr_that_is_not_a_kubelet_identity_is_refused(string subject, string field)
    {
        using var channel = _stack.JoinChannel();
        var request = new IssueJoinTicketRequest { DiskUuid = Guid.NewGuid().ToString(), CertificateRequest = ByteString.CopyFrom(Csr.For(subject)) };

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(request);

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain(field);
    }

    [Test]
    public async Task An_empty_disk_uuid_is_refused()
    {
        using var channel = _stack.JoinChannel();
        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(Request("nodisk", diskUuid: string.Empty));

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Detail.Should().Contain("disk_uuid");
    }

    [Test]
    public async Task A_rejoin_ticket_carries_the_same_disk_key_and_measurement_secret()
    {
        using var channel = _stack.JoinChannel();
        const string disk = "44444444-4444-4444-4444-444444444444";
        await new API.APIClient(channel).IssueJoinTicketAsync(Request("rejoining", diskUuid: disk));

        var ticket = await new API.APIClient(channel).IssueRejoinTicketAsync(new IssueRejoinTicketRequest { DiskUuid = disk });

        ticket.StateDiskKey.ToByteArray().Should().Equal(DataKeys.Disk(_stack.Master, disk));
        ticket.MeasurementSecret.ToByteArray().Should().Equal(DataKeys.MeasurementSecret(_stack.Master));
    }

    [Test]
    public async Task A_client_without_attestation_gets_no_ticket()
    {
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { AllowUnverifiedPeer = true }).CreateChannel(_stack.JoinService.Address);

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(Request("unattested"));

        await call.Should().ThrowAsync<RpcException>();
    }

    [Test]
    public async Task A_plain_client_gets_no_ticket()
    {
        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(_stack.JoinService.Address);

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(Request("plain"));

        await call.Should().ThrowAsync<RpcException>();
    }

    [Test]
    public async Task A_join_replayed_over_a_new_connection_fails()
    {
        var replaying = new ReplayingIssuer(new DummyIssuer());
        var options = new AtlsOptions { Issuer = replaying, AllowUnverifiedPeer = true };
        using (var first = new AtlsGrpcChannelFactory(options).CreateChannel(_stack.JoinService.Address))
        {
            await new API.APIClient(first).IssueJoinTicketAsync(Request("replay-original"));
        }

        replaying.Replay = true;
        using var second = new AtlsGrpcChannelFactory(options).CreateChannel(_stack.JoinService.Address);
        var call = async () => await new API.APIClient(second).IssueJoinTicketAsync(Request("replay-copy"));

        await call.Should().ThrowAsync<RpcException>();
        replaying.Replayed.Should().BeGreaterThan(0, "the attacker did present the recorded document");
        _logs.AllText.Should().Contain("aTLS client").And.Contain("nonce");
    }

    [Test]
    public async Task Two_hundred_concurrent_joins_all_succeed_with_unique_tokens_and_keys()
    {
        const int count = 200;
        var requests = Enumerable.Range(0, count).Select(i => Request($"load-{i}")).ToArray();
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var stopwatch = Stopwatch.StartNew();

        var tickets = await Task.WhenAll(requests.Select(r => client.IssueJoinTicketAsync(r).ResponseAsync));

        stopwatch.Stop();
        TestContext.Out.WriteLine($"{count} concurrent joins in {stopwatch.Elapsed.TotalMilliseconds:F0} ms ({count / stopwatch.Elapsed.TotalSeconds:F0} joins/s)");
        tickets.Select(t => t.Token).Should().OnlyHaveUniqueItems().And.HaveCount(count);
        tickets.Select(t => Convert.ToHexString(t.StateDiskKey.Span)).Should().OnlyHaveUniqueItems();
        for (var i = 0; i < count; i++)
        {
            tickets[i].StateDiskKey.ToByteArray().Should().Equal(DataKeys.Disk(_stack.Master, requests[i].DiskUuid));
        }
    }

    [Test]
    public async Task Tickets_secrets_never_reach_the_log()
    {
        using var channel = _stack.JoinChannel();
        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(Request("quiet", controlPlane: true));

        var log = _logs.AllText;
        log.Should().Contain("quiet");
        log.Should().NotContain(ticket.Token).And.NotContain(ticket.Token.Split('.')[1]);
        foreach (var secret in new[] { ticket.StateDiskKey.ToByteArray(), ticket.MeasurementSecret.ToByteArray(), _stack.Master.Key.ToArray() })
        {
            log.Should().NotContain(Convert.ToBase64String(secret)).And.NotContainEquivalentOf(Convert.ToHexString(secret));
        }

        log.Should().NotContain("PRIVATE KEY");
    }

    /// <summary>An attacker that recorded a genuine document and presents it again on later connections.</summary>
    private sealed class ReplayingIssuer(IAttestationIssuer inner) : IAttestationIssuer
    {
        private byte[]? _recorded;

        public bool Replay { get; set; }

        public int Replayed { get; private set; }

        public AttestationVariant Variant => inner.Variant;

        public async ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
        {
            if (Replay && _recorded is not null)
            {
                Replayed++;
                return _recorded;
            }

            return _recorded = await inner.IssueAsync(userData, nonce, cancellationToken);
        }
    }
}
