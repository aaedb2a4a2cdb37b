using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls.Diagnostics;
using Constellation.Attestation;

namespace Constellation.Atls.Http;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that attests every new connection: it dials TCP itself, runs the aTLS client
/// handshake with a fresh nonce, verifies the server before any request is written, and hands the authenticated
/// stream to <see cref="SocketsHttpHandler"/>. Use <c>https://</c> URIs as usual.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SocketsHttpHandler.SslOptions"/> are shared by all connections of a handler, but each aTLS connection
/// needs its own nonce, so TLS runs in <see cref="SocketsHttpHandler.ConnectCallback"/> and requests are sent as
/// <c>http://</c> over the already secure stream (HTTP/1.1, or HTTP/2 with prior knowledge when a request asks for
/// exactly version 2.0, as gRPC does). ALPN offers only the protocol that will then be spoken.
/// </para>
/// <para>
/// Thread safe. A rejected server fails the request with <see cref="HttpRequestException"/> whose inner
/// <see cref="IOException"/> wraps the typed <see cref="AttestationException"/> (so gRPC reports <c>Unavailable</c>,
/// like Go); <see cref="Exception.GetBaseException"/> usually returns it.
/// </para>
/// </remarks>
public sealed class AtlsHttpMessageHandler : DelegatingHandler
{
    private static readonly List<SslApplicationProtocol> Http2Only = [SslApplicationProtocol.Http2];
    private static readonly List<SslApplicationProtocol> Http11Only = [SslApplicationProtocol.Http11];

    /// <summary>Creates the handler.</summary>
    /// <param name="options">The client's aTLS configuration.</param>
    /// <param name="onPeerVerified">Called with each newly verified server (e.g. to log or record user data); may be null.</param>
    public AtlsHttpMessageHandler(AtlsOptions options, Action<AtlsPeer>? onPeerVerified = null)
        : base(CreateSocketsHandler(new AtlsClient(options), onPeerVerified))
    {
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is { } uri && string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            // TLS already happened in the connect callback; the handler must not wrap the stream again.
            request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = uri.Port }.Uri;
        }
        else if (request.RequestUri is { } plain && !plain.IsAbsoluteUri)
        {
            throw new InvalidOperationException("aTLS requests need an absolute https:// URI");
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static SocketsHttpHandler CreateSocketsHandler(AtlsClient client, Action<AtlsPeer>? onPeerVerified) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            SslStream? ssl = null;
            using var telemetry = AtlsHandshakeTelemetry.Client(client.Options);
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
                var request = context.InitialRequestMessage;
                var http2 = request.Version.Major >= 2 && request.VersionPolicy == HttpVersionPolicy.RequestVersionExact;
                var session = client.CreateSession();
                await session.AuthenticateAsync(ssl, cancellationToken, http2 ? Http2Only : Http11Only).ConfigureAwait(false);
                var peer = await session.VerifyServerAsync(ssl, cancellationToken).ConfigureAwait(false);
                telemetry.Succeeded(peer);
                onPeerVerified?.Invoke(peer);
                return ssl;
            }
            catch (Exception ex)
            {
                telemetry.Failed(ex);
                if (ssl is not null)
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    socket.Dispose();
                }

                if (ex is AttestationException attestation)
                {
                    // A connection-level failure, like a refused TCP connect: gRPC reports it as Unavailable (as Go does).
                    throw new IOException($"aTLS: server at {context.DnsEndPoint} rejected: {attestation.Message}", attestation);
                }

                throw;
            }
        },
    };
}
