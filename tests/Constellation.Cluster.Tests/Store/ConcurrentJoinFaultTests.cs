using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Etcd;
using FluentAssertions;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// Joins through three cluster-services replicas whose node registry is on three real etcd members (mutual TLS on
/// loopback; dummy variant): two nodes racing for one name with different disks through different replicas bind it to
/// exactly one; fifty concurrent join clients, each given every replica, all join while one etcd member is SIGKILLed
/// and one replica stops, with one binding per name and per disk; a bound name is refused to another disk; and after
/// the member and the replica are back every member holds the same registry, with nothing lost and nothing extra.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ConcurrentJoinFaultTests
{
    private const int Joins = 50;
    private const int KilledMember = 0;
    private const int StoppedReplica = 1;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    // Every binding the store must hold: the init node's and every granted join's.
    private readonly ConcurrentDictionary<string, StateDiskUuid> _expected = new(StringComparer.Ordinal);
    private EtcdTestCluster _etcd = null!;
    private StoreReplicas _replicas = null!;
    private ILoggerFactory _loggers = null!;
    private CapturingLoggerProvider _logs = null!;
    private string _nodesDirectory = null!;

    [OneTimeSetUp]
    public async Task StartReplicasOnThreeMembers()
    {
        _etcd = await EtcdTestCluster.StartAsync(3);
        _loggers = CapturingLoggerProvider.CreateFactory(out _logs);
        _nodesDirectory = Directory.CreateTempSubdirectory("joining-nodes-").FullName;

        // Each replica's client prefers its own node's member and falls over to the others, as on a control plane.
        var endpoints = _etcd.Endpoints;
        var stores = Enumerable.Range(0, 3).Select(i => (IClusterStore)_etcd.Client([.. endpoints.Skip(i), .. endpoints.Take(i)])).ToList();
        _replicas = await StoreReplicas.StartAsync(stores, _loggers);
        _expected[StoreReplicas.InitNodeName] = _replicas.InitDisk;
    }

    [OneTimeTearDown]
    public async Task StopEverything()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        _loggers?.Dispose();
        if (_nodesDirectory is not null)
        {
            Directory.Delete(_nodesDirectory, recursive: true);
        }
    }

    [Test, Order(1)]
    public async Task Two_nodes_racing_for_one_name_with_different_disks_through_different_replicas_bind_it_to_exactly_one()
    {
        var registry = new StoreNodeNameRegistry(_etcd.Client());
        for (var round = 0; round < 10; round++)
        {
            var name = $"contested-{round}";
            var disks = new[] { StateDiskUuid.NewRandom(), StateDiskUuid.NewRandom() };

            // Replicas 0 and 2 write through different etcd members, so the race is decided by etcd's transaction alone.
            var outcomes = await Task.WhenAll(
                TryJoinAsync(_replicas.JoinEndpoints[0]!, name, disks[0]),
                TryJoinAsync(_replicas.JoinEndpoints[2]!, name, disks[1])).WaitAsync(Bound);

            outcomes.Count(o => o is null).Should().Be(1, $"exactly one of the two joins for {name} is granted");
            var loser = outcomes.Single(o => o is not null)!;
            loser.StatusCode.Should().Be(StatusCode.PermissionDenied);
            loser.Status.Detail.Should().Contain(name).And.Contain("bound to another node's state disk");
            var winner = disks[Array.IndexOf(outcomes, null)];
            var other = disks[Array.FindIndex(outcomes, o => o is not null)];
            (await registry.ReadAllAsync(CancellationToken.None))[name].Should().Be(winner, "the granted join is the recorded binding");
            (await registry.IsBoundAsync(other, CancellationToken.None)).Should().BeFalse("the refused disk was bound to nothing");
            _expected[name] = winner;
        }
    }

    [Test, Order(2)]
    public async Task Fifty_concurrent_joins_given_every_replica_all_succeed_while_an_etcd_member_is_SIGKILLed_and_a_replica_stops()
    {
        var endpoints = _replicas.JoinEndpoints.Select(e => e!).ToArray();
        var nodes = Enumerable.Range(0, Joins).Select(i => new JoiningNode($"join-{i}", Path.Combine(_nodesDirectory, $"join-{i}"))).ToList();

        // Every client gets all replicas, starting at a different one, so each replica serves a third of the first attempts.
        // The first half starts at once; the faults strike when its first node has joined; the second half is released
        // once they are in place, so at least half of the joins run entirely against a dead member and a stopped replica.
        using var bound = new CancellationTokenSource(Bound);
        var faultsInPlace = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = nodes.Select((node, i) => Task.Run(async () =>
        {
            if (i >= Joins / 2)
            {
                await faultsInPlace.Task;
            }

            return await NewJoinClient(node, [.. endpoints.Skip(i % 3), .. endpoints.Take(i % 3)]).RunAsync(bound.Token);
        })).ToList();

        await Task.WhenAny(runs).WaitAsync(Bound);
        var victim = _etcd.Members[KilledMember] ?? throw new AssertionException("etcd member m1 is not running");
        Process.GetProcessById(victim.ProcessId ?? throw new AssertionException("etcd member m1 has no process")).Kill();
        var joinedAtKill = runs.Count(r => r.IsCompletedSuccessfully);

        // Stopping its supervisor keeps the member down until the test restarts it (else it would be back after 1 s).
        await _etcd.StopAsync(KilledMember);
        await _replicas.StopAsync(StoppedReplica);
        TestContext.Out.WriteLine($"{joinedAtKill} of {Joins / 2} nodes of the first half had joined when m1 was SIGKILLed");
        var linesBeforeSecondHalf = _logs.Lines.Count;
        faultsInPlace.SetResult();

        var joined = await Task.WhenAll(runs).WaitAsync(Bound);

        joined.Should().AllBeEquivalentTo(true, "every join client applied a ticket");
        foreach (var node in nodes)
        {
            node.Activation.ClusterId.Should().Equal(_replicas.ClusterId, $"{node.Name} was locked to this cluster");
            using var kubelet = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(node.StateDirectory, "kubelet.crt")));
            kubelet.GetNameInfo(X509NameType.SimpleName, forIssuer: false).Should().Be(KubeletCsr.NodeCommonNamePrefix + node.Name);
            ChainsToClusterCa(kubelet).Should().BeTrue($"{node.Name}'s kubelet certificate was issued by the cluster CA");
            _expected[node.Name] = node.Disk;
        }

        var requests = _logs.Lines.Where(l => l.Contains("join ticket request to", StringComparison.Ordinal)).ToList();
        TestContext.Out.WriteLine($"{requests.Count} failed ticket requests, by status: " +
            string.Join(", ", requests.GroupBy(l => Regex.Match(l, @"(failed: \w+|timed out)").Value).Select(g => $"{g.Key} × {g.Count()}")));
        _logs.Lines.Skip(linesBeforeSecondHalf).Should().Contain(
            l => l.Contains("received join ticket from " + endpoints[0], StringComparison.Ordinal),
            "replica 0, whose store client prefers the killed member, kept issuing tickets through the other members");
        requests.Should().NotContain(l => l.Contains("PermissionDenied", StringComparison.Ordinal), "no replica refused a node its own name under faults");
        requests.Should().Contain(l => l.Contains(endpoints[StoppedReplica], StringComparison.Ordinal), "clients met the stopped replica and went on to the next");

        var bindings = await new StoreNodeNameRegistry(_etcd.Client()).ReadAllAsync(CancellationToken.None);
        bindings.Keys.Count(k => k.StartsWith("join-", StringComparison.Ordinal)).Should().Be(Joins);
        bindings.Should().Equal(_expected, "one binding per joined name and disk, plus the init node's, and nothing else");
        bindings.Values.Should().OnlyHaveUniqueItems("a disk has one name");
    }

    [Test, Order(3)]
    public async Task A_second_join_for_a_bound_name_with_another_disk_is_refused_by_every_running_replica()
    {
        var thief = StateDiskUuid.NewRandom();
        foreach (var endpoint in _replicas.JoinEndpoints.OfType<string>())
        {
            var refused = await TryJoinAsync(endpoint, "join-7", thief).WaitAsync(Bound);

            refused.Should().NotBeNull($"{endpoint} must not hand join-7 to a second disk");
            refused!.StatusCode.Should().Be(StatusCode.PermissionDenied);
            refused.Status.Detail.Should().Contain("join-7").And.Contain("bound to another node's state disk").And.NotContain(_expected["join-7"].Value);
        }

        (await new StoreNodeNameRegistry(_etcd.Client()).ReadAllAsync(CancellationToken.None)).Should().Equal(_expected, "the refusals changed nothing");
    }

    [Test, Order(4)]
    public async Task After_the_member_and_the_replica_restart_every_member_holds_the_same_registry_and_nothing_is_lost()
    {
        await _etcd.RestartAsync(KilledMember);
        await _replicas.StartAsync(StoppedReplica);
        var disk = StateDiskUuid.NewRandom();
        (await TryJoinAsync(_replicas.JoinEndpoints[StoppedReplica]!, "after-restart", disk).WaitAsync(Bound)).Should().BeNull("the restarted replica serves joins again");
        _expected["after-restart"] = disk;

        var views = new Dictionary<string, IReadOnlyDictionary<string, StateDiskUuid>>();
        foreach (var endpoint in _etcd.Endpoints)
        {
            // A client pinned to one member: its reads are that member's applied state (linearizable, so after catching up).
            views[endpoint] = await new StoreNodeNameRegistry(_etcd.Client([endpoint])).ReadAllAsync(CancellationToken.None);
        }

        foreach (var (endpoint, bindings) in views)
        {
            bindings.Should().Equal(_expected, $"member {endpoint} holds every binding and nothing else");
        }
    }

    private bool ChainsToClusterCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_replicas.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Requests one ticket; <see langword="null"/> when granted, else the refusal.</summary>
    private static async Task<RpcException?> TryJoinAsync(string endpoint, string name, StateDiskUuid disk)
    {
        try
        {
            var ticket = await StoreReplicas.RequestTicketAsync(endpoint, name, disk, CancellationToken.None);
            ticket.KubeletCert.IsEmpty.Should().BeFalse();
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private JoinClient NewJoinClient(JoiningNode node, IReadOnlyList<string> endpoints) => new(
        new JoinClientOptions { NodeName = node.Name, RetryInterval = TimeSpan.FromMilliseconds(200), RequestTimeout = TimeSpan.FromSeconds(20) },
        new StaticJoinEndpointSource(endpoints),
        StoreReplicas.JoinChannels,
        node.Activation,
        new LocalClusterMembership(
            new LocalClusterOptions { StateDirectory = node.StateDirectory, NodeName = node.Name, StateDiskUuid = node.Disk.Value, JoinServiceValidator = new DummyValidator() },
            _loggers,
            TimeProvider.System),
        _loggers.CreateLogger<JoinClient>());

    /// <summary>A node that joins: its own in-memory state disk, node lock and state directory.</summary>
    private sealed class JoiningNode
    {
        public JoiningNode(string name, string stateDirectory)
        {
            Name = name;
            StateDirectory = stateDirectory;
            Directory.CreateDirectory(stateDirectory);
            Activation = new NodeActivation(new NodeLock(new InMemoryClusterIdRegister()), new InMemoryStateDisk(), stateDirectory);
        }

        public string Name { get; }

        public string StateDirectory { get; }

        public NodeActivation Activation { get; }

        public StateDiskUuid Disk => StateDiskUuid.Parse(Activation.Disk.Uuid);
    }
}
