using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls.Diagnostics;

namespace Constellation.Atls;

/// <summary>
/// The client side of aTLS over <see cref="SslStream"/>: a fresh nonce in SNI per connection, the server's
/// certificate verified after the handshake and before any application data, and — when an issuer is configured —
/// an attested client certificate bound to the nonce the server sends in its CertificateRequest.
/// </summary>
/// <remarks>
/// <para>Thread safe; create one per configuration and call <see cref="ConnectAsync"/> or <see cref="CreateSession"/> per connection.</para>
/// <para>
/// The client certificate can only be built inside .NET's synchronous <see cref="LocalCertificateSelectionCallback"/>,
/// because the server nonce arrives there. An issuer whose <c>IssueAsync</c> completes synchronously (the dummy
/// issuer; issuers that talk to a local TPM device synchronously) never blocks. An issuer that really is asynchronous
/// is waited for on the handshake thread, bounded by <see cref="AtlsOptions.ClientIssueTimeout"/>: this is the one
/// documented place where aTLS blocks, and only in client-attested and mutual modes.
/// </para>
/// </remarks>
public sealed class AtlsClient
{
    private readonly AtlsOptions _options;
    private readonly AtlsPeerVerifier _verifier;

    /// <summary>Creates a client.</summary>
    /// <param name="options">The configuration.</param>
    /// <exception cref="ArgumentException">No validators are configured and <see cref="AtlsOptions.AllowUnverifiedPeer"/> is not set.</exception>
    public AtlsClient(AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validators.Count == 0 && !options.AllowUnverifiedPeer)
        {
            throw new ArgumentException(
                "an aTLS client needs at least one validator; set AllowUnverifiedPeer to connect without verifying the server (no-verify mode)",
                nameof(options));
        }

        _options = options;
        _verifier = options.CreateVerifier();
    }

    /// <summary>Gets the configuration.</summary>
    public AtlsOptions Options => _options;

    /// <summary>Starts a connection: a fresh nonce and the matching TLS options.</summary>
    /// <returns>The per-connection state.</returns>
    public AtlsClientSession CreateSession() => new(_options, _verifier);

    /// <summary>Runs the aTLS client handshake over a connected transport and verifies the server.</summary>
    /// <param name="transport">The connected transport; owned by the returned connection (disposed on failure too).</param>
    /// <param name="cancellationToken">Cancels the handshake and validation.</param>
    /// <returns>The authenticated connection.</returns>
    /// <exception cref="Attestation.AttestationException">The server was not accepted (see <see cref="AtlsPeerVerifier.VerifyAsync"/>).</exception>
    /// <exception cref="AuthenticationException">The TLS handshake itself failed.</exception>
    public async Task<AtlsConnection> ConnectAsync(Stream transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var session = CreateSession();
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        using var telemetry = AtlsHandshakeTelemetry.Client(_options);
        try
        {
            await session.AuthenticateAsync(ssl, cancellationToken).ConfigureAwait(false);
            var peer = await session.VerifyServerAsync(ssl, cancellationToken).ConfigureAwait(false);
            telemetry.Succeeded(peer);
            return new AtlsConnection(ssl, peer, session.ClientCertificate);
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            await ssl.DisposeAsync().ConfigureAwait(false);
            session.ClientCertificate?.Dispose();
            throw;
        }
    }
}
