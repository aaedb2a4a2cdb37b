using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Store;

/// <summary>
/// The cluster-services replicas that are alive: each records <c>{node, joinEndpoint, keyServiceEndpoint}</c> under
/// <c>/constellation/replicas/&lt;node&gt;</c> on a lease it keeps alive, so a replica that dies vanishes within the
/// lease TTL and join services find the key services of the others.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class StoreReplicaRegistry(IClusterStore store)
{
    /// <summary>How long a replica stays listed after its last keep-alive.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Records this replica and keeps its lease alive (every third of <paramref name="ttl"/>) until the returned
    /// registration is disposed, which revokes the lease (the replica is unlisted at once).
    /// </summary>
    public async Task<IAsyncDisposable> RegisterAsync(StoreReplica replica, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replica);
        var lease = await store.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
        var value = JsonSerializer.SerializeToUtf8Bytes(new StoredReplica(replica.Node, replica.JoinEndpoint, replica.KeyServiceEndpoint), StoreJsonContext.Default.StoredReplica);
        await store.CommitAsync([], [StoreOperation.Put(StoreKeys.Replicas + replica.Node, value, lease)], cancellationToken).ConfigureAwait(false);
        return new Registration(store, lease, ttl / 3, StoreKeys.Replicas + replica.Node, value);
    }

    /// <summary>Lists the live replicas, ordered by node.</summary>
    public async Task<IReadOnlyList<StoreReplica>> ListAsync(CancellationToken cancellationToken)
    {
        var range = await store.GetPrefixAsync(StoreKeys.Replicas, cancellationToken).ConfigureAwait(false);
        return [.. range.Entries.Select(Parse).OrderBy(r => r.Node, StringComparer.Ordinal)];
    }

    private StoreReplica Parse(StoreEntry entry)
    {
        try
        {
            var stored = JsonSerializer.Deserialize(entry.Value, StoreJsonContext.Default.StoredReplica);
            if (stored is not null && stored.Node == entry.Key[StoreKeys.Replicas.Length..])
            {
                return new StoreReplica(stored.Node, stored.JoinEndpoint, stored.KeyServiceEndpoint);
            }
        }
        catch (JsonException ex)
        {
            throw new ClusterException($"replicas on {store.Description}: {entry.Key}: expected a replica record, got unparseable JSON ({ex.Message})", ex);
        }

        throw new ClusterException($"replicas on {store.Description}: {entry.Key}: expected a replica record for that node, got another record");
    }

    /// <summary>A live registration: keeps the lease alive; re-records the replica under a new lease if the old one expired (e.g. after a long partition).</summary>
    private sealed class Registration : IAsyncDisposable
    {
        private readonly IClusterStore _store;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _keepAlive;
        private long _lease;

        public Registration(IClusterStore store, long lease, TimeSpan interval, string key, byte[] value)
        {
            _store = store;
            _lease = lease;
            _keepAlive = Task.Run(() => KeepAliveAsync(interval, key, value, _stop.Token), CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _keepAlive.ConfigureAwait(false);
            await _store.RevokeLeaseAsync(Volatile.Read(ref _lease), CancellationToken.None).ConfigureAwait(false);
            _stop.Dispose();
        }

        private async Task KeepAliveAsync(TimeSpan interval, string key, byte[] value, CancellationToken cancellationToken)
        {
            var ttl = interval * 3;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                    if (!await _store.KeepAliveAsync(_lease, cancellationToken).ConfigureAwait(false))
                    {
                        var lease = await _store.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
                        await _store.CommitAsync([], [StoreOperation.Put(key, value, lease)], cancellationToken).ConfigureAwait(false);
                        Volatile.Write(ref _lease, lease);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (ClusterException)
                {
                    // The store is unreachable now; the next round tries again (the lease may expire meanwhile, and is then renewed above).
                }
            }
        }
    }
}

/// <summary>A cluster-services replica as other replicas find it.</summary>
/// <param name="Node">The node it runs on.</param>
/// <param name="JoinEndpoint">Its join service, <c>IP:port</c>.</param>
/// <param name="KeyServiceEndpoint">Its key service, <c>IP:port</c>.</param>
internal sealed record StoreReplica(string Node, string JoinEndpoint, string KeyServiceEndpoint);
