using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Constellation.Tests;

/// <summary>What <see cref="FaultInjectingHttpServer"/> does with one request.</summary>
internal abstract record HttpFault
{
    /// <summary>A normal reply.</summary>
    public sealed record Reply(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null) : HttpFault;

    /// <summary>Accepts the request and never answers (until the server is disposed).</summary>
    public sealed record Hang : HttpFault;

    /// <summary>Declares the full Content-Length, sends only the first <paramref name="SentBytes"/> bytes, then closes.</summary>
    public sealed record TruncatedBody(byte[] Body, int SentBytes, IReadOnlyDictionary<string, string>? Headers = null) : HttpFault;

    /// <summary>Sends the headers, then the body one byte per <paramref name="Delay"/>.</summary>
    public sealed record Slow(byte[] Body, TimeSpan Delay, IReadOnlyDictionary<string, string>? Headers = null) : HttpFault;

    /// <summary>Resets the connection (TCP RST) after reading the request.</summary>
    public sealed record Reset : HttpFault;

    public static HttpFault Ok(byte[] body, IReadOnlyDictionary<string, string>? headers = null) => new Reply(200, body, headers);

    public static HttpFault Error(int status, string body = "", IReadOnlyDictionary<string, string>? headers = null) =>
        new Reply(status, Encoding.UTF8.GetBytes(body), headers);
}

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 (OS-assigned port) that answers each request as a handler decides, including
/// faults: hangs, 5xx/429, truncated bodies, trickled bodies and connection resets. The handler gets the request path
/// (with query) and the 1-based number of requests seen for that path. Every request is recorded. Disposing it stops
/// every pending answer.
/// </summary>
internal sealed class FaultInjectingHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, HttpFault> _handler;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FaultInjectingHttpServer(Func<string, int, HttpFault> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri BaseUri { get; }

    /// <summary>Every requested path (with query), in arrival order.</summary>
    public ConcurrentQueue<string> RequestedPaths { get; } = new();

    public int RequestCount => RequestedPaths.Count;

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

        await Task.WhenAll(_connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections.Add(Task.Run(() => HandleAsync(client)));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await ServeAsync(client, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up (its timeout) or the server is stopping: both are part of the faults under test.
            }
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        var stream = client.GetStream();
        var header = new StringBuilder();
        var buffer = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, stop) == 0)
            {
                return;
            }

            header.Append((char)buffer[0]);
        }

        var path = header.ToString().Split("\r\n")[0].Split(' ')[1];
        RequestedPaths.Enqueue(path);
        var attempt = _attempts.AddOrUpdate(path, 1, (_, n) => n + 1);
        switch (_handler(path, attempt))
        {
            case HttpFault.Reply reply:
                await WriteHeadAsync(stream, reply.Status, reply.Body.Length, reply.Headers, stop);
                await stream.WriteAsync(reply.Body, stop);
                break;
            case HttpFault.Hang:
                await Task.Delay(Timeout.Infinite, stop);
                break;
            case HttpFault.TruncatedBody truncated:
                await WriteHeadAsync(stream, 200, truncated.Body.Length, truncated.Headers, stop);
                await stream.WriteAsync(truncated.Body.AsMemory(0, truncated.SentBytes), stop);
                break;
            case HttpFault.Slow slow:
                await WriteHeadAsync(stream, 200, slow.Body.Length, slow.Headers, stop);
                for (var i = 0; i < slow.Body.Length; i++)
                {
                    await stream.WriteAsync(slow.Body.AsMemory(i, 1), stop);
                    await stream.FlushAsync(stop);
                    await Task.Delay(slow.Delay, stop);
                }

                break;
            case HttpFault.Reset:
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
        }

        await stream.FlushAsync(stop);
    }

    private static async Task WriteHeadAsync(NetworkStream stream, int status, int length, IReadOnlyDictionary<string, string>? headers, CancellationToken stop)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
        head.Append("Connection: close\r\n");
        var hasType = false;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            hasType |= name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (!hasType)
        {
            head.Append("Content-Type: application/octet-stream\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), stop);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
}
