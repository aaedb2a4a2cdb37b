using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls.Diagnostics;

namespace Constellation.Atls;

/// <summary>
/// The server side of aTLS over <see cref="SslStream"/>: per connection a fresh key and a certificate whose document
/// is bound to the client's SNI nonce; with validators, a server nonce in the CertificateRequest's acceptable-CA list
/// and the client's attested certificate verified after the handshake, before any application data.
/// </summary>
/// <remarks>Thread safe; create one per configuration and call <see cref="AcceptAsync"/> or <see cref="CreateSession"/> per connection.</remarks>
public sealed class AtlsServer
{
    private readonly AtlsOptions _options;
    private readonly AtlsPeerVerifier _verifier;

    /// <summary>Creates a server.</summary>
    /// <param name="options">The configuration: an issuer to attest the server, validators to require attested clients.</param>
    /// <exception cref="ArgumentException">Both validators and a client-certificate validator are configured.</exception>
    public AtlsServer(AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClientCertificateValidator is not null && options.Validators.Count > 0)
        {
            throw new ArgumentException(
                "an aTLS server checks either attested clients (Validators) or plain client certificates (ClientCertificateValidator), not both",
                nameof(options));
        }

        _options = options;
        _verifier = options.CreateVerifier();
        // Start generating certificate keys now rather than on the first connection.
        _ = options.KeyPool;
    }

    /// <summary>Gets the configuration.</summary>
    public AtlsOptions Options => _options;

    /// <summary>Gets a value indicating whether clients must present an attested certificate (client-attested or mutual mode).</summary>
    public bool ValidatesClients => _verifier.HasValidators;

    /// <summary>Starts a connection: a fresh server nonce (when validating clients) and the certificate selection.</summary>
    /// <returns>The per-connection state.</returns>
    public AtlsServerSession CreateSession() => new(_options, _verifier);

    /// <summary>Runs the aTLS server handshake over an accepted transport and, when configured, verifies the client.</summary>
    /// <param name="transport">The accepted transport; owned by the returned connection (disposed on failure too).</param>
    /// <param name="cancellationToken">Cancels the handshake and validation.</param>
    /// <returns>The authenticated connection.</returns>
    /// <exception cref="Attestation.AttestationException">The client nonce is missing or the client was not accepted.</exception>
    /// <exception cref="AuthenticationException">The TLS handshake itself failed.</exception>
    public async Task<AtlsConnection> AcceptAsync(Stream transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var session = CreateSession();
        using var telemetry = AtlsHandshakeTelemetry.Server(_options);
        return await AtlsHandshake.RunAsync(
            transport,
            telemetry,
            (ssl, ct) => session.AuthenticateAsync(ssl, ct),
            (ssl, ct) => session.VerifyClientAsync(ssl, ct),
            () => session,
            cancellationToken).ConfigureAwait(false);
    }
}
