using BenchmarkDotNet.Attributes;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Store;

namespace Constellation.Benchmarks.Store;

/// <summary>
/// What the cluster store costs per join-time write: a node-name claim (two reads and one guarded transaction) and a
/// VPN re-publish of one of 50 peers (one range read and one guarded transaction), on one real etcd member (mutual TLS
/// on loopback, fsync to a temp dir) against the in-memory store.
/// </summary>
public class ClusterStoreBenchmarks : StoreBenchmark
{
    private const int Peers = 50;
    private readonly string[] _keys = [.. Enumerable.Range(0, Peers).Select(_ => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))];
    private StoreNodeNameRegistry _registry = null!;
    private StoreVpnPeerDirectory _peers = null!;
    private int _next;

    [Benchmark]
    public Task ClaimName() => _registry.ClaimAsync($"bench-{Interlocked.Increment(ref _next)}", StateDiskUuid.NewRandom(), CancellationToken.None);

    [Benchmark]
    public Task<Cluster.Vpn.VpnPeer> PublishVpnPeer()
    {
        var i = Interlocked.Increment(ref _next);
        return _peers.PublishAsync($"peer-{i % Peers}", _keys[i % Peers], $"10.1.0.{i % Peers}:{50000 + (i % 1000)}", CancellationToken.None);
    }

    private protected override async Task StartAsync(IClusterStore store)
    {
        _registry = new StoreNodeNameRegistry(store);
        _peers = new StoreVpnPeerDirectory(store);
        for (var i = 0; i < Peers; i++)
        {
            await _peers.PublishAsync($"peer-{i}", _keys[i], $"10.1.0.{i}:51820", CancellationToken.None);
        }
    }
}
