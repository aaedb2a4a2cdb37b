using System.Net;
using Constellation.Cluster.Protos.Join;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.Hardening.JoinService;

/// <summary>
/// The control-plane files (the cluster CA's private key among them) go only to nodes the join service admits as
/// control planes; the request's <c>is_control_plane</c> flag alone is a wish, not a permission.
/// </summary>
public sealed class ControlPlaneAdmissionTests
{
    private ServiceStack _stack = null!;

    [OneTimeSetUp]
    public async Task Start() => _stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out _), null, "admitted-cp", "modest-cp");

    [OneTimeTearDown]
    public async Task Stop() => await _stack.DisposeAsync();

    private static IssueJoinTicketRequest Request(string nodeName, bool controlPlane, string? disk = null) => new()
    {
        DiskUuid = disk ?? Guid.NewGuid().ToString(),
        CertificateRequest = ByteString.CopyFrom(Csr.ForNode(nodeName, IPAddress.Loopback)),
        IsControlPlane = controlPlane,
    };

    [Test]
    public async Task A_worker_asking_for_the_control_plane_files_is_refused_and_gets_no_ca_key()
    {
        using var channel = _stack.JoinChannel();

        var call = async () => await new API.APIClient(channel).IssueJoinTicketAsync(Request("sneaky-worker", controlPlane: true));

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain("is_control_plane").And.Contain("sneaky-worker");
    }

    [Test]
    public async Task An_admitted_control_plane_name_gets_the_control_plane_files()
    {
        using var channel = _stack.JoinChannel();

        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(Request("admitted-cp", controlPlane: true));

        ticket.ControlPlaneFiles.Select(f => f.Name).Should().BeEquivalentTo("ca.crt", "ca.key");
    }

    [Test]
    public async Task Admission_is_by_exact_name_not_by_prefix_or_suffix()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);

        foreach (var name in new[] { "admitted-cp2", "admitted", "x.admitted-cp" })
        {
            var call = async () => await client.IssueJoinTicketAsync(Request(name, controlPlane: true));
            (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.PermissionDenied, name);
        }
    }

    [Test]
    public async Task An_admitted_control_plane_name_asking_as_a_worker_gets_no_control_plane_keys()
    {
        using var channel = _stack.JoinChannel();

        var ticket = await new API.APIClient(channel).IssueJoinTicketAsync(Request("modest-cp", controlPlane: false));

        ticket.ControlPlaneFiles.Select(f => f.Name).Should().Equal(["ca.crt"], "a worker gets the cluster CA certificate only, never a control plane's keys");
        ticket.ControlPlaneFiles.Should().OnlyContain(f => !f.Data.ToStringUtf8().Contains("PRIVATE KEY"));
    }

    [Test]
    public async Task A_refused_control_plane_request_binds_nothing_so_the_node_may_join_as_a_worker()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var request = Request("modest-worker", controlPlane: true);
        var refused = async () => await client.IssueJoinTicketAsync(request);
        await refused.Should().ThrowAsync<RpcException>();

        request.IsControlPlane = false;
        var ticket = await client.IssueJoinTicketAsync(request);

        ticket.ControlPlaneFiles.Select(f => f.Name).Should().Equal(["ca.crt"], "a worker gets the cluster CA certificate only, never a control plane's keys");
        ticket.ControlPlaneFiles.Should().OnlyContain(f => !f.Data.ToStringUtf8().Contains("PRIVATE KEY"));
    }
}
