using System.Collections.Concurrent;
using Constellation.Atls.Http;

namespace Constellation.Atls.Tests;

public sealed class KestrelLoadTests
{
    private const int Connections = 500;

    [Test]
    [CancelAfter(120_000)]
    public async Task Five_hundred_concurrent_atls_connections_to_one_kestrel_server_all_succeed(CancellationToken cancellationToken)
    {
        await using var host = await AtlsKestrelHost.StartAsync(Dummies.Issuing());
        var verified = new ConcurrentBag<AtlsPeer>();
        using var start = new SemaphoreSlim(0);

        async Task<string> OneConnectionAsync()
        {
            // One handler per client: every request is its own TCP connection with its own nonce and attestation.
            using var http = new HttpClient(new AtlsHttpMessageHandler(Dummies.Validating(), verified.Add));
            await start.WaitAsync(cancellationToken);
            return await http.GetStringAsync(host.Address, cancellationToken);
        }

        var clients = Enumerable.Range(0, Connections).Select(_ => Task.Run(OneConnectionAsync, cancellationToken)).ToArray();
        start.Release(Connections);
        var bodies = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(100), cancellationToken);

        bodies.Should().HaveCount(Connections).And.OnlyContain(b => b == "hello HTTP/1.1 client-attested=False");
        verified.Should().HaveCount(Connections).And.OnlyContain(p => p.IsAttested);
        verified.Select(p => Convert.ToHexString(p.PublicKeyHash.Span)).Should().OnlyHaveUniqueItems("the server makes a fresh key per connection (spec §2)");
    }
}
