using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;
using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Benchmarks.Atls;

/// <summary>
/// One new connection over 127.0.0.1: TCP connect, TLS 1.3 handshake and a first HTTP/1.1 request/response.
/// Baseline: plain TLS 1.3 with a static ECDSA P-256 server certificate pinned by the client. aTLS (dummy variant):
/// fresh server key and attested certificate per connection, client nonce in SNI, document validated by the client.
/// Client and server run in the same process, so allocations and time include both sides. TLS session resumption is
/// disabled on the baseline server so that both rows measure full handshakes.
/// </summary>
[MemoryDiagnoser]
public class AtlsHandshakeBenchmarks : IDisposable
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

    private TcpListener _plainListener = null!;
    private TcpListener _atlsListener = null!;
    private CancellationTokenSource _stop = null!;
    private X509Certificate2 _staticCertificate = null!;
    private SslStreamCertificateContext _staticContext = null!;
    private byte[] _pinnedHash = null!;
    private AtlsClient _atlsClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stop = new CancellationTokenSource();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bench", key, HashAlgorithmName.SHA256);
        _staticCertificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _staticContext = SslStreamCertificateContext.Create(_staticCertificate, null, offline: true);
        _pinnedHash = _staticCertificate.GetCertHash(HashAlgorithmName.SHA256);

        var atlsServer = new AtlsServer(new AtlsOptions { Issuer = new DummyIssuer() });
        _atlsClient = new AtlsClient(new AtlsOptions { Validators = [new DummyValidator()] });

        _plainListener = Listen(async stream =>
        {
            await using var ssl = new SslStream(stream);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _staticContext,
                EnabledSslProtocols = SslProtocols.Tls13,
                // A full handshake every time, like aTLS (whose per-connection SNI and certificate rule out resumption).
                AllowTlsResume = false,
            }, _stop.Token);
            await AnswerAsync(ssl);
        });
        _atlsListener = Listen(async stream =>
        {
            await using var connection = await atlsServer.AcceptAsync(stream, _stop.Token);
            await AnswerAsync(connection.Stream);
        });
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _stop.Cancel();
        _plainListener.Stop();
        _atlsListener.Stop();
        _staticCertificate.Dispose();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "plain TLS 1.3, static ECDSA cert")]
    public async Task<int> PlainTls13()
    {
        using var tcp = await ConnectAsync(_plainListener);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "bench",
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(_pinnedHash),
        });
        return await RequestAsync(ssl);
    }

    [Benchmark(Description = "aTLS (dummy), fresh key + document per connection")]
    public async Task<int> Atls()
    {
        using var tcp = await ConnectAsync(_atlsListener);
        await using var connection = await _atlsClient.ConnectAsync(tcp.GetStream());
        return await RequestAsync(connection.Stream);
    }

    private static async Task<TcpClient> ConnectAsync(TcpListener listener)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        return tcp;
    }

    private static async Task<int> RequestAsync(Stream stream)
    {
        await stream.WriteAsync(Request);
        var buffer = new byte[Response.Length];
        await stream.ReadExactlyAsync(buffer);
        return buffer.Length;
    }

    private static async Task AnswerAsync(Stream stream)
    {
        var buffer = new byte[Request.Length];
        await stream.ReadExactlyAsync(buffer);
        await stream.WriteAsync(Response);
    }

    private TcpListener Listen(Func<Stream, Task> serve)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(512);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                socket.NoDelay = true;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await serve(new NetworkStream(socket, ownsSocket: true));
                    }
                    catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException)
                    {
                        socket.Dispose();
                    }
                });
            }
        });
        return listener;
    }
}
