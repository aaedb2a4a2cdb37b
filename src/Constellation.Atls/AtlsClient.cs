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
    /// <exception cref="ArgumentException">
    /// No validators are configured and <see cref="AtlsOptions.AllowUnverifiedPeer"/> is not set; or a
    /// <see cref="AtlsOptions.ClientCertificate"/> is set together with an issuer, or without its private key.
    /// </exception>
    public AtlsClient(AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClientCertificate is { } clientCertificate)
        {
            if (options.Issuer is not null)
            {
                throw new ArgumentException("an aTLS client presents either an attested certificate (Issuer) or a ClientCertificate, not both", nameof(options));
            }

            if (!clientCertificate.HasPrivateKey)
            {
                throw new ArgumentException("ClientCertificate: expected a certificate with its private key, got one without", nameof(options));
            }
        }

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
        using var telemetry = AtlsHandshakeTelemetry.Client(_options);
        return await AtlsHandshake.RunAsync(
            transport,
            telemetry,
            (ssl, ct) => session.AuthenticateAsync(ssl, ct),
            async (ssl, ct) => await session.VerifyServerAsync(ssl, ct).ConfigureAwait(false),
            () => session.ClientCertificate,
            cancellationToken).ConfigureAwait(false);
    }
}
