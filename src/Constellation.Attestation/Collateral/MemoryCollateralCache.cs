using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Collateral;

/// <summary>An in-process collateral cache. Thread-safe.</summary>
public sealed class MemoryCollateralCache : ICollateralCache
{
    private readonly ConcurrentDictionary<string, CollateralEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets the number of entries held.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<CollateralEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_entries.TryGetValue(key, out var entry) ? entry : null);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, CollateralEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        _entries[key] = entry;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        _entries.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }
}
