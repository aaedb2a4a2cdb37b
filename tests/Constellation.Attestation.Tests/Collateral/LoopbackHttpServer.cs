using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Globalization;
using System.Text;

namespace Constellation.Attestation.Tests.Collateral;

/// <summary>A canned HTTP reply.</summary>
internal sealed record LoopbackReply(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static LoopbackReply Ok(byte[] body) => new(200, body);

    public static LoopbackReply Text(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, Encoding.UTF8.GetBytes(body), headers);
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 with an OS-assigned port: one request per connection, answered by a
/// handler. Records every request path so tests can tell whether the network was used.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, LoopbackReply> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<string, LoopbackReply> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public int RequestCount => Requests.Count;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(buffer) == 0)
                {
                    return;
                }

                head.Append((char)buffer[0]);
            }

            var requestLine = head.ToString().Split("\r\n")[0];
            var path = requestLine.Split(' ')[1];
            Requests.Enqueue(path);
            var reply = _handler(path);
            var response = new StringBuilder();
            response.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {ReasonFor(reply.Status)}\r\n");
            response.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n");
            response.Append("Connection: close\r\n");
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
