using System;
using System.Threading;
using System.Threading.Tasks;
using Etcdserverpb;
using Grpc.Core;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>
/// One etcd watch over a key prefix, kept alive across member failures: when the stream breaks it is re-created on
/// the next member from the revision after the last one delivered, so no change is missed.
/// </summary>
internal sealed class EtcdPrefixWatch(EtcdClusterStore store, string prefix, long afterRevision, Func<long, CancellationToken, Task> changed, TaskCompletionSource established)
{
    private long _seen = afterRevision;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var member in store.MembersInTurn())
            {
                try
                {
                    await WatchOnAsync(member, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (RpcException) when (!cancellationToken.IsCancellationRequested)
                {
                    // That member is gone or refused; the next one continues from _seen.
                }
                catch (RpcException)
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WatchOnAsync(EtcdClusterStore.Member member, CancellationToken cancellationToken)
    {
        // require_leader: a member cut off from the majority ends the stream instead of going quiet.
        var headers = new Metadata { { "hasleader", "true" } };
        using var call = member.Watch.Watch(headers, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = EtcdClusterStore.Bytes(prefix),
                RangeEnd = EtcdClusterStore.PrefixEnd(prefix),
                StartRevision = Volatile.Read(ref _seen) + 1,
            },
        }, cancellationToken).ConfigureAwait(false);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var response = call.ResponseStream.Current;
            if (response.Created)
            {
                established.TrySetResult();
            }

            if (response.CompactRevision > 0)
            {
                // Changes were compacted away: report one change at the current revision, so readers re-read.
                Volatile.Write(ref _seen, response.Header.Revision);
                await changed(response.Header.Revision, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (response.Canceled)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "watch cancelled by the member: " + response.CancelReason));
            }

            if (response.Events.Count > 0)
            {
                var revision = response.Events[^1].Kv.ModRevision;
                Volatile.Write(ref _seen, revision);
                await changed(revision, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
