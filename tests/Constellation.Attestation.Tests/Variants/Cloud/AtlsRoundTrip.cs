using System.Net;
using System.Net.Sockets;
using Constellation.Atls;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// One aTLS handshake over real TLS on 127.0.0.1: a server attested by <c>issuer</c>, a client that trusts only
/// <c>validator</c>. Returns what the client saw of the server, after a byte went through the connection.
/// </summary>
internal static class AtlsRoundTrip
{
    public static async Task<AtlsPeer> ConnectAsync(IAttestationIssuer issuer, IAttestationValidator validator)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = new AtlsServer(new AtlsOptions { Issuer = issuer });
        var client = new AtlsClient(new AtlsOptions { Validators = [validator] });

        var accepted = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync(timeout.Token);
            await using var connection = await server.AcceptAsync(new NetworkStream(socket, ownsSocket: true), timeout.Token);
            await connection.Stream.WriteAsync(new byte[] { 42 }, timeout.Token);
            await connection.Stream.FlushAsync(timeout.Token);
            var ack = new byte[1];
            await connection.Stream.ReadExactlyAsync(ack, timeout.Token);
        });

        var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        AtlsPeer peer;
        await using (var connection = await client.ConnectAsync(new NetworkStream(tcp, ownsSocket: true), timeout.Token))
        {
            var data = new byte[1];
            await connection.Stream.ReadExactlyAsync(data, timeout.Token);
            data[0].Should().Be(42);
            await connection.Stream.WriteAsync(new byte[] { 1 }, timeout.Token);
            peer = connection.Peer!;
        }

        await accepted;
        return peer;
    }
}
