using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Constellation.Tests;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 with an OS-assigned port, serving fixed responses by path.
/// One request per connection (<c>Connection: close</c>). For tests only.
/// </summary>
internal sealed class LoopbackStaticHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, (int Status, byte[] Body)> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackStaticHttpServer()
    {
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<string> RequestedPaths { get; } = new();

    /// <summary>A URL on which nothing listens (a port that was bound and released).</summary>
    public static Uri UnusedLoopbackUri(string path)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/{path.TrimStart('/')}");
    }

    public Uri Serve(string path, byte[] body, int status = 200)
    {
        path = "/" + path.TrimStart('/');
        _routes[path] = (status, body);
        return new Uri(BaseUri, path);
    }

    public Uri Serve(string path, string body, int status = 200) => Serve(path, Encoding.UTF8.GetBytes(body), status);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var header = new StringBuilder();
            var buffer = new byte[1];
            while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(buffer) == 0)
                {
                    return;
                }

                header.Append((char)buffer[0]);
            }

            var path = header.ToString().Split(' ')[1];
            RequestedPaths.Enqueue(path);
            var (status, body) = _routes.TryGetValue(path, out var route) ? route : (404, Encoding.UTF8.GetBytes("not found"));
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head);
            await stream.WriteAsync(body);
        }
    }
}
