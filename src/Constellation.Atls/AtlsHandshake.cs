using System;
using System.IO;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls.Diagnostics;

namespace Constellation.Atls;

/// <summary>
/// The one handshake sequence of both sides: TLS over the transport, then the peer's attestation, recorded in the
/// handshake telemetry. On any failure the stream and the side's local state are disposed before the exception
/// propagates, so a refused peer leaves nothing open. The local state (the client's certificate, made during the
/// handshake; the server's session) is read when it is needed, not before the handshake made it.
/// </summary>
internal static class AtlsHandshake
{
    public static async Task<AtlsConnection> RunAsync(
        Stream transport,
        AtlsHandshakeTelemetry telemetry,
        Func<SslStream, CancellationToken, Task> authenticate,
        Func<SslStream, CancellationToken, ValueTask<AtlsPeer?>> verify,
        Func<IDisposable?> localState,
        CancellationToken cancellationToken)
    {
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await authenticate(ssl, cancellationToken).ConfigureAwait(false);
            var peer = await verify(ssl, cancellationToken).ConfigureAwait(false);
            telemetry.Succeeded(peer);
            return new AtlsConnection(ssl, peer, localState());
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            await ssl.DisposeAsync().ConfigureAwait(false);
            localState()?.Dispose();
            throw;
        }
    }
}
