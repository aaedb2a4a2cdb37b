using System.Diagnostics;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Etcd;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// Three etcd members on mutual TLS: a member with a certificate from another CA cannot join; claims from two replicas
/// on different members never give a name two disks or a disk two names; with one member SIGKILLed claims and VPN
/// publishes still succeed (on the next endpoint), and after it is back every member reads the same state.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ThreeMemberStoreTests
{
    private EtcdTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartMembers() => _cluster = await EtcdTestCluster.StartAsync(3);

    [OneTimeTearDown]
    public async Task StopMembers() => await _cluster.DisposeAsync();

    [Test, Order(1)]
    public async Task A_member_with_a_certificate_from_another_CA_cannot_join_and_is_removed_again()
    {
        using var foreignCa = ClusterCertificateAuthority.Create("foreign-ca", DateTimeOffset.UtcNow);
        var options = _cluster.NewMemberOptions(
            EtcdIdentity.IssueMemberCertificate(foreignCa, [System.Net.IPAddress.Loopback], DateTimeOffset.UtcNow));
        options = new EtcdMemberOptions
        {
            Name = "intruder",
            Directory = options.Directory,
            ClientEndpoint = options.ClientEndpoint,
            PeerEndpoint = options.PeerEndpoint,
            Certificate = options.Certificate,
            // It trusts the real cluster CA, so the only thing wrong is its own certificate: the members must refuse it.
            ClusterCa = options.ClusterCa,
            ReadyTimeout = TimeSpan.FromSeconds(8),
        };
        await using var existing = _cluster.Client();

        var join = () => EtcdMember.JoinAsync(options, existing, NullLogger.Instance, CancellationToken.None);

        var refused = await join.Should().ThrowAsync<ClusterException>();
        TestContext.Out.WriteLine(refused.Which.Message);
        refused.Which.Message.Should().Contain("etcd member intruder");
        (await EtcdMember.ListAsync(existing, CancellationToken.None)).Should().Equal("m1", "m2", "m3");
        options.Certificate.Dispose();
    }

    [Test, Order(2)]
    public async Task Fifty_concurrent_colliding_claims_from_replicas_on_different_members_bind_each_name_and_disk_once()
    {
        await using var first = _cluster.Client([_cluster.Endpoints[0]]);
        await using var second = _cluster.Client([_cluster.Endpoints[2]]);
        var names = Enumerable.Range(0, 10).Select(i => $"race-{i}").ToArray();
        var disks = Enumerable.Range(0, 10).Select(_ => StateDiskUuid.NewRandom()).ToArray();

        // Each claim pairs a name and a disk chosen so that most pairs collide with another claim on the name or the disk.
        var claims = Enumerable.Range(0, 50).Select(async i =>
        {
            var registry = new StoreNodeNameRegistry(i % 2 == 0 ? first : second);
            try
            {
                await registry.ClaimAsync(names[i % 10], disks[(i * 3 + i / 10) % 10], CancellationToken.None);
                return (Name: names[i % 10], Disk: disks[(i * 3 + i / 10) % 10], Bound: true);
            }
            catch (JoinRequestRejectedException)
            {
                return (Name: names[i % 10], Disk: disks[(i * 3 + i / 10) % 10], Bound: false);
            }
        });
        var results = await Task.WhenAll(claims);

        var bindings = await new StoreNodeNameRegistry(first).ReadAllAsync(CancellationToken.None);
        var race = bindings.Where(b => b.Key.StartsWith("race-", StringComparison.Ordinal)).ToList();
        race.Select(b => b.Value).Should().OnlyHaveUniqueItems("a disk has one name");
        results.Where(r => r.Bound).Should().OnlyContain(r => bindings[r.Name].Equals(r.Disk), "every successful claim is the recorded binding");
        results.Where(r => !r.Bound).Should().OnlyContain(r => !(bindings.ContainsKey(r.Name) && bindings[r.Name].Equals(r.Disk)));
        race.Should().NotBeEmpty();
    }

    [Test, Order(3)]
    public async Task With_one_member_killed_claims_and_publishes_succeed_and_the_members_agree_after_it_returns()
    {
        await using var client = _cluster.Client();
        var victim = _cluster.Members[0]!;
        var pid = victim.ProcessId ?? throw new AssertionException("member m1 is not running");
        Process.GetProcessById(pid).Kill();

        var registry = new StoreNodeNameRegistry(client);
        var peers = new StoreVpnPeerDirectory(client);
        var disks = new Dictionary<string, StateDiskUuid>();
        for (var i = 0; i < 10; i++)
        {
            var disk = StateDiskUuid.NewRandom();
            await registry.ClaimAsync($"fault-{i}", disk, CancellationToken.None);
            disks[$"fault-{i}"] = disk;
            await peers.PublishAsync($"fault-{i}", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), $"10.9.0.{i}:51820", CancellationToken.None);
        }

        // The supervisor restarts the killed member; wait until it serves again, then read every member on its own.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!victim.IsReady || victim.ProcessId == pid)
        {
            await Task.Delay(100, timeout.Token);
        }

        var views = new List<string>();
        foreach (var endpoint in _cluster.Endpoints)
        {
            await using var one = _cluster.Client([endpoint]);
            var bindings = await new StoreNodeNameRegistry(one).ReadAllAsync(CancellationToken.None);
            var list = await new StoreVpnPeerDirectory(one).GetPeersAsync(CancellationToken.None);
            disks.Should().OnlyContain(d => bindings[d.Key].Equals(d.Value), $"member {endpoint} has every binding");
            views.Add(string.Join(";", bindings.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => b.Key + "=" + b.Value.Value)) + "|" + list.Version + "|" + string.Join(";", list.Peers));
        }

        views.Distinct().Should().ContainSingle("all three members hold the same registry and peer list");
    }

    [Test, Order(4)]
    public async Task With_two_of_three_members_stopped_writes_and_reads_fail_naming_the_endpoints()
    {
        await _cluster.StopAsync(1);
        await _cluster.StopAsync(2);
        await using var client = _cluster.Client(operationTimeout: TimeSpan.FromSeconds(4));

        var write = () => new StoreNodeNameRegistry(client).ClaimAsync("after-majority-loss", StateDiskUuid.NewRandom(), CancellationToken.None);
        var read = () => new StoreVpnPeerDirectory(client).GetPeersAsync(CancellationToken.None);

        var refused = await write.Should().ThrowAsync<ClusterException>();
        TestContext.Out.WriteLine(refused.Which.Message);
        refused.Which.Message.Should().Contain(_cluster.Endpoints[0]).And.Contain(_cluster.Endpoints[1]);
        await read.Should().ThrowAsync<ClusterException>("linearizable reads need a majority too");
    }
}
