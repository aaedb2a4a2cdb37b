using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Atls.Tests;

/// <summary>A TLS server on 127.0.0.1 that presents whatever certificate the test builds from the ClientHello (a misbehaving aTLS server).</summary>
internal static class ScriptedServer
{
    public static async Task<Task<AtlsConnection>> ConnectAsync(AtlsClient client, Func<byte[], X509Certificate2> certificateForClientNonce)
    {
        using var cts = new CancellationTokenSource(Loopback.Bound);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clientDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cts.Token);
            await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await ssl.AuthenticateAsServerAsync(
                (_, hello, _, _) => ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificateForClientNonce(AtlsNonce.FromServerName(hello.ServerName)),
                }),
                null,
                cts.Token);
            // Hold the connection until the client has decided.
            await clientDone.Task.WaitAsync(cts.Token);
        });
        var clientTask = Task.Run(async () =>
        {
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return await client.ConnectAsync(new NetworkStream(tcp, ownsSocket: true), cts.Token);
        });
        try
        {
            await clientTask;
        }
        catch (Exception)
        {
            // Inspected by the test.
        }

        clientDone.SetResult();

        await serverTask.WaitAsync(Loopback.Bound);
        return clientTask;
    }
}
