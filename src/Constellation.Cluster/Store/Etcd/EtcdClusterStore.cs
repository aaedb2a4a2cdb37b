using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Transport;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>
/// The cluster store on etcd through dotnet-etcd's generated etcd v3 gRPC clients (KV, Lease, Watch), one mutual-TLS
/// channel per member: a call goes to the member that answered last and moves on to the next one when a member is
/// unavailable, has no leader or times out, in rounds until <see cref="EtcdStoreOptions.OperationTimeout"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Reads are linearizable (etcd's default), so a majority of members must be up for reads as for writes.
/// A transaction that timed out may still have been applied; callers therefore re-read after a failed condition and
/// treat "already the state I wanted" as success (every typed state class does).
/// </remarks>
internal sealed class EtcdClusterStore : IClusterStore
{
    private readonly Member[] _members;
    private readonly EtcdStoreOptions _options;
    private readonly CancellationTokenSource _disposed = new();
    private readonly List<Task> _watches = [];
    private readonly Lock _gate = new();
    private int _preferred;
    private int _disposeCalled;

    /// <summary>Creates the store client (no connection is made before the first call).</summary>
    /// <param name="options">Endpoints and credentials.</param>
    public EtcdClusterStore(EtcdStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("etcd endpoints: expected at least one IP:port, got none", nameof(options));
        }

        _options = options;
        var channels = new MutualTlsGrpcChannelFactory(
            options.ClientCertificate,
            new ClusterPeerPolicy(options.ClusterCa, EtcdStoreOptions.MemberCommonName, ClusterPeerPolicy.ServerAuthentication));
        _members = [.. options.Endpoints.Select(e => new Member(e, channels.CreateChannel(e)))];
        Description = "etcd " + string.Join(",", options.Endpoints);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public async Task<StoreEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var response = await RunAsync($"read {key}", (m, o) => m.Kv.RangeAsync(new RangeRequest { Key = Bytes(key) }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : ToEntry(response.Kvs[0]);
    }

    /// <inheritdoc />
    public async Task<StoreRange> GetPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = Bytes(prefix), RangeEnd = PrefixEnd(prefix) };
        var response = await RunAsync($"read {prefix}*", (m, o) => m.Kv.RangeAsync(request, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return new StoreRange([.. response.Kvs.Select(ToEntry)], response.Header.Revision);
    }

    /// <inheritdoc />
    public async Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken)
    {
        var request = new TxnRequest();
        foreach (var condition in conditions)
        {
            request.Compare.Add(new Compare
            {
                Key = Bytes(condition.Key),
                Target = Compare.Types.CompareTarget.Mod,
                Result = Compare.Types.CompareResult.Equal,
                ModRevision = condition.ModRevision,
            });
        }

        foreach (var operation in operations)
        {
            request.Success.Add(operation.Value is null
                ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Bytes(operation.Key) } }
                : new RequestOp { RequestPut = new PutRequest { Key = Bytes(operation.Key), Value = ByteString.CopyFrom(operation.Value), Lease = operation.Lease } });
        }

        var what = "transaction on " + string.Join(",", operations.Select(o => o.Key).Distinct());
        var response = await RunAsync(what, (m, o) => m.Kv.TxnAsync(request, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.Succeeded;
    }

    /// <inheritdoc />
    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1, nameof(ttl));
        var response = await RunAsync($"grant a {seconds} s lease", (m, o) => m.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(response.Error))
        {
            throw new ClusterException($"{Description}: grant a {seconds} s lease: expected a lease, got the error \"{response.Error}\"");
        }

        return response.ID;
    }

    /// <inheritdoc />
    public Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken) =>
        RunAsync($"keep lease {lease:x} alive", async (m, o) =>
        {
            using var call = m.Lease.LeaseKeepAlive(o);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, o.CancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(o.CancellationToken).ConfigureAwait(false))
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the keep-alive stream ended without an answer"));
            }

            return call.ResponseStream.Current.TTL > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync($"revoke lease {lease:x}", (m, o) => m.Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, o).ResponseAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.NotFound })
        {
            // Already expired: its keys are gone, which is what a revoke wants.
        }
    }

    /// <inheritdoc />
    public async Task WatchPrefixAsync(string prefix, long afterRevision, Func<long, CancellationToken, Task> changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var established = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var watch = Task.Run(() => new EtcdPrefixWatch(this, prefix, afterRevision, changed, established).RunAsync(linked.Token), CancellationToken.None)
            .ContinueWith(_ => linked.Dispose(), TaskScheduler.Default);
        lock (_gate)
        {
            _watches.Add(watch);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        try
        {
            await established.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await linked.CancelAsync().ConfigureAwait(false);
            throw new ClusterException($"{Description}: watch {prefix}*: expected a member to accept the watch within {_options.OperationTimeout.TotalSeconds} s, got none that did");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeCalled, 1) != 0)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        Task[] watches;
        lock (_gate)
        {
            watches = [.. _watches];
        }

        await Task.WhenAll(watches).ConfigureAwait(false);
        foreach (var member in _members)
        {
            member.Channel.Dispose();
        }

        _disposed.Dispose();
    }

    /// <summary>The members in the order a call tries them: the one that answered last first.</summary>
    internal IEnumerable<Member> MembersInTurn()
    {
        var start = Volatile.Read(ref _preferred);
        for (var i = 0; i < _members.Length; i++)
        {
            yield return _members[(start + i) % _members.Length];
        }
    }

    internal void Answered(Member member) => Volatile.Write(ref _preferred, Array.IndexOf(_members, member));

    internal static ByteString Bytes(string key) => ByteString.CopyFromUtf8(key);

    internal static ByteString PrefixEnd(string prefix)
    {
        var end = System.Text.Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        return ByteString.CopyFrom(end);
    }

    /// <summary>Whether a failure means "try another member" rather than "the request is wrong".</summary>
    internal static bool IsTransient(RpcException ex) =>
        ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Aborted
        || (ex.StatusCode == StatusCode.Unknown && ex.Status.Detail.Contains("etcdserver:", StringComparison.Ordinal));

    private static StoreEntry ToEntry(Mvccpb.KeyValue kv) => new(kv.Key.ToStringUtf8(), kv.Value.ToByteArray(), kv.CreateRevision, kv.ModRevision);

    internal async Task<T> RunAsync<T>(string operation, Func<Member, CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var deadline = DateTime.UtcNow + _options.OperationTimeout;
        var failures = new List<string>();
        RpcException? last = null;
        while (true)
        {
            foreach (var member in MembersInTurn())
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
                attempt.CancelAfter(_options.AttemptTimeout);
                try
                {
                    var result = await call(member, new CallOptions(cancellationToken: attempt.Token)).ConfigureAwait(false);
                    Answered(member);
                    return result;
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && IsTransient(ex))
                {
                    last = ex;

                    // Our own attempt deadline: the member took the call but did not answer (typically no leader, as when a majority is down).
                    failures.Add(attempt.IsCancellationRequested
                        ? $"{member.Endpoint}: no answer within {_options.AttemptTimeout.TotalSeconds} s (no leader? a majority of members may be down)"
                        : $"{member.Endpoint}: {ex.StatusCode} {ex.Status.Detail}");
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_disposed.IsCancellationRequested)
                {
                    failures.Add($"{member.Endpoint}: no answer within {_options.AttemptTimeout.TotalSeconds} s");
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new ClusterException($"{Description}: {operation}: expected etcd to accept it, got {ex.StatusCode} from {member.Endpoint}: {ex.Status.Detail}", ex);
                }
                catch (RpcException ex)
                {
                    // The caller cancelled while the call was in flight: gRPC reports that as status Cancelled, callers
                    // expect cancellation as OperationCanceledException (as every other awaited step here throws it).
                    throw new OperationCanceledException($"{Description}: {operation}: cancelled", ex, cancellationToken);
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                // The last few failures say enough (one per endpoint); the full list would repeat them every round.
                throw new ClusterException(
                    $"{Description}: {operation}: expected a member to answer within {_options.OperationTimeout.TotalSeconds} s, got: {string.Join("; ", failures.TakeLast(_members.Length))}", last);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One member's client endpoint and its channel's clients.</summary>
    internal sealed class Member(string endpoint, GrpcChannel channel)
    {
        public string Endpoint { get; } = endpoint;

        public GrpcChannel Channel { get; } = channel;

        public KV.KVClient Kv { get; } = new(channel);

        public Lease.LeaseClient Lease { get; } = new(channel);

        public Watch.WatchClient Watch { get; } = new(channel);

        public Etcdserverpb.Cluster.ClusterClient Cluster { get; } = new(channel);

        public Maintenance.MaintenanceClient Maintenance { get; } = new(channel);
    }
}
