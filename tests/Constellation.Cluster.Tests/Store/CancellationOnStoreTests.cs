using Constellation.Cluster.Store;
using FluentAssertions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// A caller's cancellation surfaces as <see cref="OperationCanceledException"/> whatever the call was doing when it
/// came, never as the transport's error: a replica's registration is disposed by cancelling its keep-alive loop, which
/// must end quietly (a keep-alive in flight once leaked gRPC's <c>RpcException(Cancelled)</c> out of the dispose).
/// </summary>
public abstract class CancellationOnStoreTests : StoreFixture
{
    [Test]
    public async Task A_keep_alive_cancelled_at_any_point_throws_operation_cancelled_or_completes()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        var cancelled = 0;

        // Every fifth attempt is cancelled before the call; the others 0 to 3 ms into it: on etcd some of those while
        // the keep-alive stream is open, some after it answered.
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var cancel = new CancellationTokenSource();
            if (attempt % 5 == 0)
            {
                await cancel.CancelAsync();
            }

            try
            {
                var call = Store.KeepAliveAsync(lease, cancel.Token);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, (attempt % 5) - 1)), CancellationToken.None);
                await cancel.CancelAsync();
                (await call).Should().BeTrue("the lease is alive");
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
        }

        cancelled.Should().BeGreaterThanOrEqualTo(8, "the attempts cancelled before the call were cancelled");
        (await Store.KeepAliveAsync(lease, CancellationToken.None)).Should().BeTrue("the store still answers after the cancellations");
    }

    [Test]
    public async Task Disposing_a_replica_registration_at_any_point_of_its_keep_alive_loop_ends_quietly_and_removes_the_replica()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            // The shortest TTL (1 s) keeps the lease alive every 333 ms; the disposals fall at 0 to 360 ms into the loop.
            var node = "cancel-" + Guid.NewGuid().ToString("N")[..6];
            var registration = await new StoreReplicaRegistry(Store).RegisterAsync(new StoreReplica(node, "10.0.0.1:30090", "10.0.0.1:9000"), TimeSpan.FromSeconds(1), CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(attempt * 40), CancellationToken.None);

            var dispose = async () => await registration.DisposeAsync();

            await dispose.Should().NotThrowAsync($"attempt {attempt}");
            (await new StoreReplicaRegistry(OtherReplica).ListAsync(CancellationToken.None)).Should().NotContain(r => r.Node == node);
        }
    }
}

/// <summary>Cancellation on a real etcd member.</summary>
public sealed class CancellationOnEtcdTests : CancellationOnStoreTests
{
    protected override bool OnEtcd => true;
}

/// <summary>Cancellation in memory.</summary>
public sealed class CancellationInMemoryTests : CancellationOnStoreTests
{
    protected override bool OnEtcd => false;
}
