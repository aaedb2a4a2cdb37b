using BenchmarkDotNet.Attributes;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Store;
using Constellation.Cluster.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Benchmarks.Store;

/// <summary>
/// Joins/s through one cluster-services replica whose node registry is on one real etcd member (mutual TLS on
/// loopback, fsync per commit) against the same replica on the in-memory store; everything else is the same: the
/// dummy variant over client-attested aTLS, a fresh connection per join (as a joining node dials), the key service
/// over mutual TLS, a kubelet CSR signed by the cluster CA, a bootstrap token. <c>ConcurrentJoins</c> runs
/// <see cref="Concurrency"/> joins at once (the time reported is per join, so joins/s = 1 / mean); <c>OneJoin</c> is
/// one join at a time (latency).
/// </summary>
public class JoinThroughputBenchmarks : StoreBenchmark
{
    /// <summary>How many joins <see cref="ConcurrentJoins"/> runs at once.</summary>
    public const int Concurrency = 20;

    private StoreReplicas _replica = null!;
    private string _endpoint = null!;
    private int _next;

    [Benchmark]
    public Task OneJoin() => JoinAsync();

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task ConcurrentJoins() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => JoinAsync()));

    private Task JoinAsync() =>
        StoreReplicas.RequestTicketAsync(_endpoint, $"bench-{Interlocked.Increment(ref _next)}", StateDiskUuid.NewRandom(), CancellationToken.None);

    private protected override async Task StartAsync(IClusterStore store)
    {
        _replica = await StoreReplicas.StartAsync([store], NullLoggerFactory.Instance);
        _endpoint = _replica.JoinEndpoints[0]!;
    }

    private protected override ValueTask StopAsync() => _replica.DisposeAsync();
}
