using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Constellation.Atls.Tests.Hardening;

/// <summary>
/// Load: 1,000 concurrent aTLS handshakes (dummy variant, mutual attestation) against one <see cref="AtlsServer"/> on
/// 127.0.0.1. Bounded by a generous cancellation timeout; nothing about timing is asserted.
/// </summary>
[Category("Load")]
public sealed class ConcurrentHandshakeLoadTests
{
    private const int Handshakes = 1_000;

    [Test]
    [CancelAfter(300_000)]
    public async Task One_thousand_concurrent_mutual_handshakes_against_one_server_all_succeed(CancellationToken cancellationToken)
    {
        var server = new AtlsServer(Dummies.Mutual());
        var client = new AtlsClient(Dummies.Mutual());
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(Handshakes + 64);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverSide = new ConcurrentBag<Task<string>>();
        var clientPeers = new ConcurrentBag<AtlsPeer>();

        var accepting = Task.Run(async () =>
        {
            for (var i = 0; i < Handshakes; i++)
            {
                var socket = await listener.AcceptSocketAsync(cancellationToken);
                serverSide.Add(Task.Run(() => ServeOneAsync(server, socket, cancellationToken), cancellationToken));
            }
        }, cancellationToken);

        using var start = new SemaphoreSlim(0);
        async Task<byte> ConnectOneAsync()
        {
            await start.WaitAsync(cancellationToken);
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            await using var connection = await client.ConnectAsync(new NetworkStream(tcp, ownsSocket: false), cancellationToken);
            clientPeers.Add(connection.Peer!);
            await connection.Stream.WriteAsync(new byte[] { 42 }, cancellationToken);
            var reply = new byte[1];
            await connection.Stream.ReadExactlyAsync(reply, cancellationToken);
            return reply[0];
        }

        var clients = Enumerable.Range(0, Handshakes).Select(_ => Task.Run(ConnectOneAsync, cancellationToken)).ToArray();
        start.Release(Handshakes);
        var replies = await Task.WhenAll(clients);
        await accepting;
        var serverPeers = await Task.WhenAll(serverSide);

        replies.Should().HaveCount(Handshakes).And.OnlyContain(r => r == 43, "every connection carried data both ways after its handshake");
        clientPeers.Should().HaveCount(Handshakes).And.OnlyContain(p => p.IsAttested);
        clientPeers.Select(p => Convert.ToHexString(p.PublicKeyHash.Span)).Should().OnlyHaveUniqueItems("each connection is attested with its own server key");
        serverPeers.Should().HaveCount(Handshakes).And.OnlyContain(p => p == "attested", "the server attested every client too");
    }

    private static async Task<string> ServeOneAsync(AtlsServer server, Socket socket, CancellationToken cancellationToken)
    {
        await using var connection = await server.AcceptAsync(new NetworkStream(socket, ownsSocket: true), cancellationToken);
        var request = new byte[1];
        await connection.Stream.ReadExactlyAsync(request, cancellationToken);
        await connection.Stream.WriteAsync(new[] { (byte)(request[0] + 1) }, cancellationToken);
        await connection.Stream.FlushAsync(cancellationToken);
        return connection.Peer is { IsAttested: true } ? "attested" : "not attested";
    }
}
