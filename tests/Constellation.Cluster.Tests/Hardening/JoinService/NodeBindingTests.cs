using System.Net;
using System.Text.RegularExpressions;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Join;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Tests.Hardening.JoinService;

/// <summary>
/// The name ↔ state-disk binding of the join service, attacked by an attested node: it holds in both directions,
/// concurrent claims bind once, rejoin obeys it, and no refusal tells the caller another node's identifiers.
/// </summary>
public sealed class NodeBindingTests
{
    private static readonly Regex AnyUuid = new("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.CultureInvariant);
    private ServiceStack _stack = null!;

    [OneTimeSetUp]
    public async Task Start() => _stack = await ServiceStack.StartAsync(CapturingLoggerProvider.CreateFactory(out _));

    [OneTimeTearDown]
    public async Task Stop() => await _stack.DisposeAsync();

    private static string NewDisk() => Guid.NewGuid().ToString();

    private static IssueJoinTicketRequest Request(string nodeName, string diskUuid) => new()
    {
        DiskUuid = diskUuid,
        CertificateRequest = ByteString.CopyFrom(Csr.ForNode(nodeName, IPAddress.Loopback)),
    };

    private byte[] DiskKey(string diskUuid) =>
        ClusterKeyDerivation.DeriveKey(_stack.Master.Key.Span, _stack.Master.Salt.Span, "key-" + diskUuid, 32);

    [Test]
    public async Task A_refused_name_claim_does_not_reveal_the_owners_disk_uuid_so_it_cannot_be_replayed()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var victimDisk = NewDisk();
        await client.IssueJoinTicketAsync(Request("victim-node", victimDisk));
        var attackerDisk = NewDisk();

        var steal = async () => await client.IssueJoinTicketAsync(Request("victim-node", attackerDisk));

        var error = (await steal.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain("certificate_request.subject.CN");
        error.Status.Detail.Should().NotContainEquivalentOf(victimDisk, "the owner's disk UUID is what unlocks its keys");
        AnyUuid.Matches(error.Status.Detail).Should().BeEmpty("a refusal names no state disk at all, not even the caller's own");
        error.Status.Detail.Should().NotContain(Convert.ToHexString(DiskKey(victimDisk)));
        error.Trailers.Select(t => t.Key).Should().NotContain(k => k.EndsWith("-bin", StringComparison.Ordinal), "no binary status details");

        // The attack as it worked: take every UUID the refusal names and retry with it.
        var learned = AnyUuid.Matches(error.Status.Detail).Select(m => m.Value).Where(u => !u.Equals(attackerDisk, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var uuid in learned)
        {
            (await OutcomeAsync(client, Request("victim-node", uuid))).Should().NotBe(StatusCode.OK, "a UUID learned from a refusal must never unlock the owner's ticket");
        }
    }

    [Test]
    public async Task A_state_disk_bound_to_one_name_cannot_obtain_a_kubelet_certificate_for_another_name()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var disk = NewDisk();
        await client.IssueJoinTicketAsync(Request("first-name", disk));

        var rename = async () => await client.IssueJoinTicketAsync(Request("second-name", disk));

        var error = (await rename.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain("disk_uuid");
        error.Status.Detail.Should().NotContain("first-name", "the refusal must not tell which name owns the disk");
        AnyUuid.Matches(error.Status.Detail).Should().BeEmpty();
    }

    [Test]
    public async Task A_refused_claim_binds_nothing_so_the_requested_name_stays_free()
    {
        // A refused claim must not bind anything: "second-name" stays unbound and can be claimed by a fresh disk.
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var disk = NewDisk();
        await client.IssueJoinTicketAsync(Request("kept-name", disk));
        var refused = async () => await client.IssueJoinTicketAsync(Request("untaken-name", disk));
        await refused.Should().ThrowAsync<RpcException>();

        var fresh = NewDisk();
        var ticket = await client.IssueJoinTicketAsync(Request("untaken-name", fresh));

        ticket.StateDiskKey.ToByteArray().Should().Equal(DiskKey(fresh));
    }

    [Test]
    public async Task Concurrent_claims_of_one_name_from_many_disks_bind_exactly_one_disk()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var disks = Enumerable.Range(0, 48).Select(_ => NewDisk()).ToArray();

        var outcomes = await Task.WhenAll(disks.Select(d => OutcomeAsync(client, Request("contested-name", d))));

        outcomes.Count(o => o == StatusCode.OK).Should().Be(1);
        outcomes.Where(o => o != StatusCode.OK).Should().OnlyContain(o => o == StatusCode.PermissionDenied);
    }

    [Test]
    public async Task Concurrent_claims_of_one_disk_under_many_names_bind_exactly_one_name()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var disk = NewDisk();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => OutcomeAsync(client, Request($"contender-{i}", disk))));

        outcomes.Count(o => o == StatusCode.OK).Should().Be(1);
        outcomes.Where(o => o != StatusCode.OK).Should().OnlyContain(o => o == StatusCode.PermissionDenied);
    }

    [Test]
    public async Task A_rejoin_for_a_disk_that_never_joined_is_refused_without_key_material()
    {
        using var channel = _stack.JoinChannel();
        var unknown = NewDisk();

        var call = async () => await new API.APIClient(channel).IssueRejoinTicketAsync(new IssueRejoinTicketRequest { DiskUuid = unknown });

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.PermissionDenied);
        error.Status.Detail.Should().Contain("disk_uuid");
        AnyUuid.Matches(error.Status.Detail).Should().BeEmpty();
    }

    [Test]
    public async Task A_rejoin_for_a_bound_disk_returns_that_disks_key()
    {
        using var channel = _stack.JoinChannel();
        var client = new API.APIClient(channel);
        var disk = NewDisk();
        await client.IssueJoinTicketAsync(Request("rebooting-node", disk));

        var ticket = await client.IssueRejoinTicketAsync(new IssueRejoinTicketRequest { DiskUuid = disk });

        ticket.StateDiskKey.ToByteArray().Should().Equal(DiskKey(disk));
    }

    private static async Task<StatusCode> OutcomeAsync(API.APIClient client, IssueJoinTicketRequest request)
    {
        try
        {
            await client.IssueJoinTicketAsync(request);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
