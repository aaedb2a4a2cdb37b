using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Constellation.Tests;

/// <summary>One reply of <see cref="LoopbackHttpServer"/>: status, body and extra headers.</summary>
internal sealed record LoopbackReply(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static LoopbackReply Ok(byte[] body) => new(200, body);

    public static LoopbackReply Text(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, Encoding.UTF8.GetBytes(body), headers);
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 with an OS-assigned port, for tests of HTTP clients (collateral, signed
/// measurements, cloud APIs). Replies come from a handler (per request path) or from routes registered with
/// <see cref="Serve(string, byte[], int)"/>; unknown paths get 404. Every requested path is recorded.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, LoopbackReply> _routes = new(StringComparer.Ordinal);
    private readonly Func<string, LoopbackReply>? _handler;
    private readonly Func<string, byte[], LoopbackReply>? _bodyHandler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackHttpServer(Func<string, LoopbackReply>? handler = null)
    {
        _handler = handler;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>A server whose replies depend on the request path and body (e.g. a quote service).</summary>
    public LoopbackHttpServer(Func<string, byte[], LoopbackReply> handler)
        : this((Func<string, LoopbackReply>?)null)
    {
        _bodyHandler = handler;
    }

    public Uri BaseUri { get; }

    /// <summary>Every requested path (with query), in arrival order.</summary>
    public ConcurrentQueue<string> RequestedPaths { get; } = new();

    public int RequestCount => RequestedPaths.Count;

    /// <summary>Every request body (empty when none was sent), in arrival order.</summary>
    public ConcurrentQueue<byte[]> RequestBodies { get; } = new();

    /// <summary>A loopback URI on a port nobody listens on (for "server down" tests).</summary>
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
        _routes[path] = new LoopbackReply(status, body);
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

    private LoopbackReply Reply(string path) =>
        _handler is not null ? _handler(path)
        : _routes.TryGetValue(path, out var route) ? route
        : LoopbackReply.Text(404, "not found");

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

            var lines = header.ToString().Split("\r\n");
            var path = lines[0].Split(' ')[1];
            RequestedPaths.Enqueue(path);

            // Read the body before answering so the client never sees a reset for unread request bytes.
            var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
            var body = new byte[length];
            await stream.ReadExactlyAsync(body);
            RequestBodies.Enqueue(body);
            var reply = _bodyHandler is not null ? _bodyHandler(path, body) : Reply(path);
            var response = new StringBuilder();
            response.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {ReasonFor(reply.Status)}\r\n");
            response.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n");
            response.Append("Content-Type: application/octet-stream\r\nConnection: close\r\n");
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
            {
                response.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            }

            response.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()));
            await stream.WriteAsync(reply.Body);
            await stream.FlushAsync();
        }
    }

    private static string ReasonFor(int status) => status switch
    {
        200 => "OK",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
