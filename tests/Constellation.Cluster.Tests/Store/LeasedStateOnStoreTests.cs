using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Store;
using FluentAssertions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// State that must vanish with time or with its owner lives on leases: a bootstrap token is checked by any replica
/// until its lease ends and not after; a wrong secret is refused; a replica is listed while registered and gone after.
/// </summary>
public abstract class LeasedStateOnStoreTests : StoreFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_token_with_the_right_id_and_a_wrong_secret_is_refused()
    {
        var token = BootstrapToken.Generate(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        await new StoreBootstrapTokens(Store).AddAsync(token, CancellationToken.None);
        var forged = token.Id + "." + new string('a', 16);

        (await new StoreBootstrapTokens(OtherReplica).IsValidAsync(forged, CancellationToken.None)).Should().BeFalse();
        (await new StoreBootstrapTokens(OtherReplica).IsValidAsync("not-a-token", CancellationToken.None)).Should().BeFalse();
        (await new StoreBootstrapTokens(OtherReplica).IsValidAsync(token.Value, CancellationToken.None)).Should().BeTrue("another replica checks the token");
    }

    [Test]
    public async Task A_token_expires_with_its_lease()
    {
        var token = BootstrapToken.Generate(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2));
        var tokens = new StoreBootstrapTokens(Store);
        await tokens.AddAsync(token, CancellationToken.None);
        (await tokens.IsValidAsync(token.Value, CancellationToken.None)).Should().BeTrue();

        using var timeout = new CancellationTokenSource(Bound);
        while (await tokens.IsValidAsync(token.Value, timeout.Token))
        {
            await Task.Delay(100, timeout.Token);
        }

        (await Store.GetAsync(StoreKeys.BootstrapTokens + token.Id, CancellationToken.None)).Should().BeNull("the store deleted the key with the lease");
    }

    [Test]
    public async Task A_token_id_in_use_is_refused_not_overwritten()
    {
        var token = BootstrapToken.Generate(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        await new StoreBootstrapTokens(Store).AddAsync(token, CancellationToken.None);
        var before = await Store.GetAsync(StoreKeys.BootstrapTokens + token.Id, CancellationToken.None);

        var again = () => new StoreBootstrapTokens(OtherReplica).AddAsync(token, CancellationToken.None);

        (await again.Should().ThrowAsync<ClusterException>()).Which.Message.Should().Contain(token.Id).And.NotContain(token.Secret);
        (await Store.GetAsync(StoreKeys.BootstrapTokens + token.Id, CancellationToken.None))!.ModRevision.Should().Be(before!.ModRevision);
    }

    [Test]
    public async Task A_replica_is_listed_while_registered_and_gone_after()
    {
        var node = "cp-" + Guid.NewGuid().ToString("N")[..6];
        var registration = await new StoreReplicaRegistry(Store).RegisterAsync(new StoreReplica(node, "10.0.0.1:30090", "10.0.0.1:9000"), TimeSpan.FromSeconds(3), CancellationToken.None);

        (await new StoreReplicaRegistry(OtherReplica).ListAsync(CancellationToken.None)).Should().Contain(new StoreReplica(node, "10.0.0.1:30090", "10.0.0.1:9000"));
        await Task.Delay(TimeSpan.FromSeconds(4));
        (await new StoreReplicaRegistry(OtherReplica).ListAsync(CancellationToken.None)).Should().Contain(r => r.Node == node, "the lease was kept alive past its TTL");

        await registration.DisposeAsync();
        (await new StoreReplicaRegistry(OtherReplica).ListAsync(CancellationToken.None)).Should().NotContain(r => r.Node == node);
    }

    [Test]
    public async Task A_replica_whose_lease_is_not_kept_alive_disappears()
    {
        var node = "dead-" + Guid.NewGuid().ToString("N")[..6];
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        var record = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new StoredReplica(node, "a:1", "b:2"), StoreJsonContext.Default.StoredReplica);
        await Store.CommitAsync([], [StoreOperation.Put(StoreKeys.Replicas + node, record, lease)], CancellationToken.None);
        (await new StoreReplicaRegistry(OtherReplica).ListAsync(CancellationToken.None)).Should().Contain(r => r.Node == node);

        using var timeout = new CancellationTokenSource(Bound);
        while ((await new StoreReplicaRegistry(OtherReplica).ListAsync(timeout.Token)).Any(r => r.Node == node))
        {
            await Task.Delay(100, timeout.Token);
        }

        (await Store.KeepAliveAsync(lease, CancellationToken.None)).Should().BeFalse("the lease expired");
    }
}

/// <summary>Leased state on a real etcd member.</summary>
public sealed class LeasedStateOnEtcdTests : LeasedStateOnStoreTests
{
    protected override bool OnEtcd => true;
}

/// <summary>Leased state in memory.</summary>
public sealed class LeasedStateInMemoryTests : LeasedStateOnStoreTests
{
    protected override bool OnEtcd => false;
}
