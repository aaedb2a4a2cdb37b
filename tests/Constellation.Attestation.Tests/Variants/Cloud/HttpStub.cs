using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>A recorded request: method, path, headers (lower-case names) and body.</summary>
internal sealed record StubRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A reply: status, body bytes, content type and extra headers.</summary>
internal sealed record StubReply(int Status, byte[] Body, string ContentType = "text/plain", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static StubReply Text(int status, string body, IReadOnlyDictionary<string, string>? headers = null) => new(status, Encoding.UTF8.GetBytes(body), "text/plain", headers);
}

/// <summary>
/// A loopback HTTP/1.1 server (127.0.0.1, OS-assigned port) that answers every request with a handler's
/// (status, content type, body) and records the requests, bodies included. Stands in for cloud APIs.
/// </summary>
internal sealed class HttpStub : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<StubRequest, StubReply> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HttpStub(Func<StubRequest, (int Status, string ContentType, string Body)> handler)
        : this(request =>
        {
            var (status, contentType, body) = handler(request);
            return new StubReply(status, Encoding.UTF8.GetBytes(body), contentType);
        })
    {
    }

    public HttpStub(Func<StubRequest, StubReply> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping.
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
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one) == 0)
                {
                    return;
                }

                head.Add(one[0]);
            }

            var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var parts = lines[0].Split(' ');
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Last()[1].Trim());
            var body = string.Empty;
            if (headers.TryGetValue("content-length", out var lengthText) && int.TryParse(lengthText, CultureInfo.InvariantCulture, out var length) && length > 0)
            {
                var buffer = new byte[length];
                await stream.ReadExactlyAsync(buffer);
                body = Encoding.UTF8.GetString(buffer);
            }

            var request = new StubRequest(parts[0], parts[1], headers, body);
            Requests.Enqueue(request);
            var reply = _handler(request);
            var bytes = reply.Body;
            var extra = string.Concat((reply.Headers ?? new Dictionary<string, string>()).Select(h => $"{h.Key}: {h.Value}\r\n"));
            var header = $"HTTP/1.1 {reply.Status} {(reply.Status == 200 ? "OK" : "Error")}\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {bytes.Length}\r\n{extra}Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header));
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
        }
    }
}
