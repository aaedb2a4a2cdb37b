using System;
using Constellation.Atls.Diagnostics;
using Constellation.Attestation;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Atls.AspNetCore;

/// <summary>Kestrel integration: serve aTLS on a listen endpoint.</summary>
public static partial class AtlsListenOptionsExtensions
{
    private static readonly object SessionKey = new();
    private static readonly object TelemetryKey = new();

    /// <summary>
    /// Serves aTLS on this endpoint. Each connection gets a fresh key and a certificate whose document is bound to
    /// the client's SNI nonce (built asynchronously from the ClientHello). When <paramref name="options"/> has
    /// validators, clients must present an attested certificate bound to a fresh server nonce; it is validated
    /// asynchronously right after the handshake, before Kestrel reads any request, and the connection is aborted
    /// (logged with the reason) when it is rejected. The verified peer is exposed as <see cref="IAtlsPeerFeature"/>.
    /// Sets <see cref="KestrelServerOptions.AllowAlternateSchemes"/>, because .NET aTLS clients send HTTP/2 requests
    /// with <c>:scheme: http</c> over the attested TLS stream.
    /// </summary>
    /// <param name="listenOptions">The endpoint.</param>
    /// <param name="options">The aTLS configuration.</param>
    /// <returns>The endpoint, for chaining.</returns>
    public static ListenOptions UseAtls(this ListenOptions listenOptions, AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(options);
        var server = new AtlsServer(options);

        // .NET aTLS clients run TLS in their connect callback and send HTTP/2 requests as http:// over the attested
        // stream (see AtlsHttpMessageHandler), so ":scheme: http" arrives on a TLS connection; Kestrel refuses that
        // unless alternate schemes are allowed. The transport is TLS either way.
        listenOptions.KestrelServerOptions.AllowAlternateSchemes = true;
        var logger = (ILogger?)listenOptions.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("Constellation.Atls")
            ?? NullLogger.Instance;

        listenOptions.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = options.HandshakeTimeout,
            OnConnection = async context =>
            {
                var session = server.CreateSession();
                var telemetry = AtlsHandshakeTelemetry.ServerWithoutActivity(options);
                context.Connection.Items[SessionKey] = session;
                context.Connection.Items[TelemetryKey] = telemetry;
                context.Connection.ConnectionClosed.Register(static s => ((AtlsServerSession)s!).Dispose(), session);
                try
                {
                    return await session.SelectOptionsAsync(context.ClientHelloInfo, context.CancellationToken).ConfigureAwait(false);
                }
                catch (AttestationException ex)
                {
                    telemetry.Failed(ex);
                    LogHandshakeRejected(logger, context.Connection.RemoteEndPoint?.ToString(), ex.Message, ex);
                    throw;
                }
                catch (Exception ex)
                {
                    telemetry.Failed(ex);
                    throw;
                }
            },
        });

        listenOptions.Use(next => async connection =>
        {
            var session = (AtlsServerSession)connection.Items[SessionKey]!;
            var telemetry = (AtlsHandshakeTelemetry)connection.Items[TelemetryKey]!;
            AtlsPeer? peer;
            try
            {
                var tls = connection.Features.Get<ITlsConnectionFeature>();
                peer = await session.VerifyClientAsync(tls?.ClientCertificate, connection.ConnectionClosed).ConfigureAwait(false);
                telemetry.Succeeded(peer);
            }
            catch (AttestationException ex)
            {
                telemetry.Failed(ex);
                LogClientRejected(logger, connection.RemoteEndPoint?.ToString(), ex.Message, ex);
                connection.Abort(new ConnectionAbortedException($"aTLS client rejected: {ex.Message}", ex));
                return;
            }
            catch (Exception ex)
            {
                telemetry.Failed(ex);
                throw;
            }

            connection.Features.Set<IAtlsPeerFeature>(new AtlsPeerFeature(peer));
            await next(connection).ConfigureAwait(false);
        });
        return listenOptions;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "aTLS handshake with {RemoteEndPoint} rejected: {Reason}")]
    private static partial void LogHandshakeRejected(ILogger logger, string? remoteEndPoint, string reason, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "aTLS client {RemoteEndPoint} rejected: {Reason}")]
    private static partial void LogClientRejected(ILogger logger, string? remoteEndPoint, string reason, Exception exception);
}
