using BenchmarkDotNet.Attributes;
using Constellation.Cluster.Store;

namespace Constellation.Benchmarks.Store;

/// <summary>
/// A benchmark run once per store (<see cref="Store"/>: one real etcd member or the in-memory store): the store is
/// started before the runs and stopped after them, around what the derived benchmark starts on it.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's [GlobalCleanup] disposes the store.")]
public abstract class StoreBenchmark
{
    private BenchmarkStore _backing = null!;

    /// <summary>Gets or sets the store under test.</summary>
    [Params("etcd", "memory")]
    public string Store { get; set; } = "etcd";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>Starts what the benchmark measures on the started store.</summary>
    private protected abstract Task StartAsync(IClusterStore store);

    /// <summary>Stops what <see cref="StartAsync"/> started (before the store stops).</summary>
    private protected virtual ValueTask StopAsync() => ValueTask.CompletedTask;

    private async Task SetupAsync()
    {
        _backing = await BenchmarkStore.StartAsync(Store);
        await StartAsync(_backing.Store);
    }

    private async Task CleanupAsync()
    {
        await StopAsync();
        await _backing.DisposeAsync();
    }
}
