using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Constellation.Cluster.Store.Memory;

/// <summary>
/// The cluster store in one process's memory, with etcd's semantics where the typed state relies on them: one revision
/// counter for the whole store, transactions guarded by modification revisions, leases whose keys vanish when they
/// expire, and prefix watches that see every change in order. For a single-process cluster and the benchmark.
/// </summary>
/// <remarks>Thread-safe (one lock). Nothing survives the process.</remarks>
internal sealed class InMemoryClusterStore : IClusterStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (DateTimeOffset Expires, TimeSpan Ttl)> _leases = [];
    private readonly List<Watcher> _watchers = [];
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private long _revision = 1;
    private long _nextLease = 1;

    /// <summary>Creates an empty store.</summary>
    /// <param name="time">The clock leases expire by.</param>
    public InMemoryClusterStore(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;

        // Leases expire without any call, as in etcd: watchers of tokens and replicas must see them go.
        _sweeper = _time.CreateTimer(_ => Sweep(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    /// <inheritdoc />
    public string Description => "in-memory store";

    /// <inheritdoc />
    public Task<StoreEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ExpireLocked();
            return Task.FromResult(_items.TryGetValue(key, out var item) ? item.ToEntry(key) : null);
        }
    }

    /// <inheritdoc />
    public Task<StoreRange> GetPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ExpireLocked();
            var entries = _items.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.Value.ToEntry(p.Key)).ToList();
            return Task.FromResult(new StoreRange(entries, _revision));
        }
    }

    /// <inheritdoc />
    public Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ExpireLocked();
            foreach (var condition in conditions)
            {
                var actual = _items.TryGetValue(condition.Key, out var item) ? item.ModRevision : 0;
                if (actual != condition.ModRevision)
                {
                    return Task.FromResult(false);
                }
            }

            foreach (var operation in operations.Where(o => o.Lease != 0 && !_leases.ContainsKey(o.Lease)))
            {
                throw new ClusterException($"{Description}: transaction on {operation.Key}: expected a live lease {operation.Lease:x}, got none (expired or revoked)");
            }

            if (operations.Count == 0)
            {
                return Task.FromResult(true);
            }

            var revision = ++_revision;
            var touched = new List<string>();
            foreach (var operation in operations)
            {
                if (operation.Value is null)
                {
                    if (_items.Remove(operation.Key))
                    {
                        touched.Add(operation.Key);
                    }
                }
                else
                {
                    var created = _items.TryGetValue(operation.Key, out var old) ? old.CreateRevision : revision;
                    _items[operation.Key] = new Item((byte[])operation.Value.Clone(), created, revision, operation.Lease);
                    touched.Add(operation.Key);
                }
            }

            NotifyLocked(touched, revision);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(1));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var lease = _nextLease++;
            _leases[lease] = (_time.GetUtcNow() + ttl, ttl);
            return Task.FromResult(lease);
        }
    }

    /// <inheritdoc />
    public Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ExpireLocked();
            if (!_leases.TryGetValue(lease, out var current))
            {
                return Task.FromResult(false);
            }

            _leases[lease] = (_time.GetUtcNow() + current.Ttl, current.Ttl);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_leases.Remove(lease))
            {
                DeleteLeaseKeysLocked([lease]);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WatchPrefixAsync(string prefix, long afterRevision, Func<long, CancellationToken, Task> changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var watcher = new Watcher(prefix, changed, cancellationToken);
        lock (_gate)
        {
            _watchers.Add(watcher);
            if (_revision > afterRevision && _items.Any(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Value.ModRevision > afterRevision))
            {
                watcher.Changes.Writer.TryWrite(_revision);
            }
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }

            watcher.Changes.Writer.TryComplete();
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _sweeper.Dispose();
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Changes.Writer.TryComplete();
            }

            _watchers.Clear();
        }

        return ValueTask.CompletedTask;
    }

    private void Sweep()
    {
        lock (_gate)
        {
            ExpireLocked();
        }
    }

    private void ExpireLocked()
    {
        var now = _time.GetUtcNow();
        var expired = _leases.Where(l => l.Value.Expires <= now).Select(l => l.Key).ToList();
        foreach (var lease in expired)
        {
            _leases.Remove(lease);
        }

        if (expired.Count > 0)
        {
            DeleteLeaseKeysLocked(expired);
        }
    }

    private void DeleteLeaseKeysLocked(IReadOnlyCollection<long> leases)
    {
        var keys = _items.Where(p => leases.Contains(p.Value.Lease)).Select(p => p.Key).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var revision = ++_revision;
        foreach (var key in keys)
        {
            _items.Remove(key);
        }

        NotifyLocked(keys, revision);
    }

    private void NotifyLocked(List<string> keys, long revision)
    {
        foreach (var watcher in _watchers.Where(w => keys.Any(k => k.StartsWith(w.Prefix, StringComparison.Ordinal))))
        {
            watcher.Changes.Writer.TryWrite(revision);
        }
    }

    private sealed record Item(byte[] Value, long CreateRevision, long ModRevision, long Lease)
    {
        public StoreEntry ToEntry(string key) => new(key, (byte[])Value.Clone(), CreateRevision, ModRevision);
    }

    /// <summary>One watch: changes are queued and delivered in order by one reader, outside the store's lock.</summary>
    private sealed class Watcher
    {
        public Watcher(string prefix, Func<long, CancellationToken, Task> changed, CancellationToken cancellationToken)
        {
            Prefix = prefix;
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var revision in Changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await changed(revision, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    // The watch ended.
                }
            }, CancellationToken.None);
        }

        public string Prefix { get; }

        public Channel<long> Changes { get; } = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    }
}
