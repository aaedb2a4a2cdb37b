using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Store;

/// <summary>
/// The key-value store the cluster services share (etcd in a cluster, memory in one process): linearizable reads,
/// all-or-nothing transactions guarded by conditions, leases for keys that must vanish with their owner, and prefix
/// watches. The typed state (node registry, join policy, tokens, VPN peers, replicas) is built on these calls only.
/// </summary>
/// <remarks>Implementations are thread-safe. Every failure is a <see cref="ClusterException"/> naming the operation and the store.</remarks>
internal interface IClusterStore : IAsyncDisposable
{
    /// <summary>Gets a description for messages (e.g. the etcd endpoints).</summary>
    string Description { get; }

    /// <summary>Reads one key.</summary>
    Task<StoreEntry?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Reads every key under a prefix, ordered by key, with the store revision of the read.</summary>
    Task<StoreRange> GetPrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Applies the operations if every condition holds, else nothing; returns whether they held.</summary>
    Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken);

    /// <summary>Grants a lease that expires after <paramref name="ttl"/> unless kept alive.</summary>
    Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Renews a lease once; returns <see langword="false"/> if it already expired.</summary>
    Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken);

    /// <summary>Revokes a lease, deleting its keys.</summary>
    Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="changed"/> after every change under <paramref name="prefix"/> made after
    /// <paramref name="afterRevision"/>, until <paramref name="cancellationToken"/> is cancelled. Reconnects (to the
    /// next endpoint) on failure without losing changes.
    /// </summary>
    /// <returns>A task that completes when the watch is established.</returns>
    Task WatchPrefixAsync(string prefix, long afterRevision, Func<long, CancellationToken, Task> changed, CancellationToken cancellationToken);
}

/// <summary>One key as read.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">Its value.</param>
/// <param name="CreateRevision">The store revision that created it.</param>
/// <param name="ModRevision">The store revision that last changed it.</param>
internal sealed record StoreEntry(string Key, byte[] Value, long CreateRevision, long ModRevision);

/// <summary>Keys read under a prefix, with the revision of the read.</summary>
internal sealed record StoreRange(IReadOnlyList<StoreEntry> Entries, long Revision);

/// <summary>A condition of a transaction.</summary>
/// <param name="Key">The key compared.</param>
/// <param name="ModRevision">The key's required modification revision; 0 means "the key does not exist".</param>
internal sealed record StoreCondition(string Key, long ModRevision)
{
    /// <summary>The key does not exist.</summary>
    public static StoreCondition Absent(string key) => new(key, 0);

    /// <summary>The key is unchanged since it was read.</summary>
    public static StoreCondition Unchanged(StoreEntry entry) => new(entry.Key, entry.ModRevision);
}

/// <summary>A write of a transaction: a put (with an optional lease) or, with a <see langword="null"/> value, a delete.</summary>
internal sealed record StoreOperation(string Key, byte[]? Value, long Lease = 0)
{
    /// <summary>Writes a value.</summary>
    public static StoreOperation Put(string key, byte[] value, long lease = 0) => new(key, value, lease);

    /// <summary>Deletes a key.</summary>
    public static StoreOperation Delete(string key) => new(key, null);
}
