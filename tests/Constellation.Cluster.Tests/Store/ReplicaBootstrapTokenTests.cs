using Constellation.Cluster.Keys;
using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Memory;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// A bootstrap token one replica puts into a join ticket is on the cluster store, so every replica sees it: the store's
/// token check (<see cref="StoreBootstrapTokens"/>) accepts exactly the token handed out, and nothing else.
/// </summary>
public sealed class ReplicaBootstrapTokenTests
{
    [Test]
    public async Task The_token_of_a_ticket_from_one_replica_is_on_the_store_every_replica_reads()
    {
        var store = new InMemoryClusterStore();
        await using var replicas = await StoreReplicas.StartAsync([store, store], NullLoggerFactory.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var ticket = await StoreReplicas.RequestTicketAsync(replicas.JoinEndpoints[0]!, "worker-token", StateDiskUuid.NewRandom(), timeout.Token);

        var tokens = new StoreBootstrapTokens(store);
        (await tokens.IsValidAsync(ticket.Token, timeout.Token)).Should().BeTrue("the replica recorded the token it handed out");
        var forged = ticket.Token[..7] + new string(ticket.Token[7..].Reverse().ToArray());
        (await tokens.IsValidAsync(forged == ticket.Token ? ticket.Token[..7] + "0000000000000000" : forged, timeout.Token)).Should().BeFalse("only the issued secret matches");
    }
}
