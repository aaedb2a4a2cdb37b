using System.Net;
using System.Net.Sockets;
using Constellation.Atls;

namespace Constellation.Atls.Tests;

/// <summary>Runs one aTLS server and one aTLS client against each other over a real 127.0.0.1 TCP connection.</summary>
internal static class Loopback
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public sealed record Outcome(Task<AtlsConnection> Server, Task<AtlsConnection> Client);

    public static async Task<Outcome> RunAsync(AtlsServer server, AtlsClient client)
    {
        using var cts = new CancellationTokenSource(Bound);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var serverTask = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync(cts.Token);
            return await server.AcceptAsync(new NetworkStream(socket, ownsSocket: true), cts.Token);
        });
        var clientTask = Task.Run(async () =>
        {
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return await client.ConnectAsync(new NetworkStream(tcp, ownsSocket: true), cts.Token);
        });
        try
        {
            await Task.WhenAll(serverTask, clientTask);
        }
        catch (Exception)
        {
            // Each side's outcome is inspected by the test.
        }

        return new Outcome(serverTask, clientTask);
    }

    public static async Task DisposeAsync(Outcome outcome)
    {
        foreach (var task in new[] { outcome.Server, outcome.Client })
        {
            if (task.IsCompletedSuccessfully)
            {
                await task.Result.DisposeAsync();
            }
        }
    }
}
