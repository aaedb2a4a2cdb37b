using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Atls;

/// <summary>
/// One server connection's aTLS state: the server nonce, the certificate built from the ClientHello's SNI, and the
/// verification of the client certificate that must run after the handshake and before any application data.
/// </summary>
/// <remarks>Use once, for one connection. Not thread safe. Disposing releases the per-connection certificate.</remarks>
public sealed class AtlsServerSession : IDisposable
{
    private static readonly List<SslApplicationProtocol> DefaultProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly AtlsOptions _options;
    private readonly AtlsPeerVerifier _verifier;
    private readonly byte[]? _serverNonce;
    private ExceptionDispatchInfo? _selectionError;
    private X509Certificate2? _nonceCertificate;

    internal AtlsServerSession(AtlsOptions options, AtlsPeerVerifier verifier)
    {
        _options = options;
        _verifier = verifier;
        _serverNonce = verifier.HasValidators ? AtlsNonce.Create() : null;
    }

    /// <summary>Gets the server nonce sent in the acceptable-CA list, or empty when clients are not validated.</summary>
    public ReadOnlyMemory<byte> ServerNonce => _serverNonce;

    /// <summary>Gets the client nonce read from SNI, once the ClientHello has been seen.</summary>
    public ReadOnlyMemory<byte> ClientNonce { get; private set; }

    /// <summary>Gets the certificate built for this connection, once the ClientHello has been seen.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>
    /// Builds this connection's TLS options from the ClientHello: decodes the SNI nonce, creates a fresh key and the
    /// attested certificate, and (when validating clients) the CertificateRequest carrying the server nonce.
    /// Matches <see cref="ServerOptionsSelectionCallback"/> when adapted, and Kestrel's TLS handshake callback.
    /// </summary>
    /// <param name="clientHello">The ClientHello information.</param>
    /// <param name="cancellationToken">Cancels issuing.</param>
    /// <returns>The options for this connection.</returns>
    /// <exception cref="AtlsException">The SNI is missing or not a Base64 nonce.</exception>
    public async ValueTask<SslServerAuthenticationOptions> SelectOptionsAsync(SslClientHelloInfo clientHello, CancellationToken cancellationToken = default)
    {
        try
        {
            var clientNonce = AtlsNonce.FromServerName(clientHello.ServerName);
            ClientNonce = clientNonce;
            ServerCertificate = await AtlsCertificateFactory.CreateAsync(_options.Issuer, clientNonce, _options.TimeProvider, _options.KeyPool, cancellationToken).ConfigureAwait(false);
            SslCertificateTrust trust;
            if (_serverNonce is not null)
            {
                // Kept alive for the connection: .NET consults the trust collection during the handshake.
                _nonceCertificate = CreateNonceCertificate(_serverNonce, _options.KeyPool);
                trust = SslCertificateTrust.CreateForX509Collection([_nonceCertificate], sendTrustInHandshake: true);
            }
            else
            {
                // Nothing goes on the wire and no client certificate is requested in this mode; a non-empty trust
                // list only makes SslStreamCertificateContext.Create build its (discarded) chain for the new
                // self-signed leaf against that list instead of copying the whole system root store into a fresh
                // OpenSSL X509_STORE: about 300 µs less per handshake on Linux. The chain never changes what is
                // sent: a self-signed leaf has no intermediates either way.
                trust = SslCertificateTrust.CreateForX509Collection([ServerCertificate], sendTrustInHandshake: false);
            }

            var requireClientCertificate = _serverNonce is not null || _options.ClientCertificateValidator is not null;
            return new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(ServerCertificate, additionalCertificates: null, offline: true, trust),
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ApplicationProtocols = (_options.ApplicationProtocols ?? DefaultProtocols).ToList(),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                // A resumed session would skip the fresh, nonce-bound certificate of spec §2 on both sides.
                AllowTlsResume = false,
                CertificateChainPolicy = requireClientCertificate ? AtlsClientSession.CreateChainPolicy() : null,
                ClientCertificateRequired = requireClientCertificate,
                // Trust comes from the attestation document or the client-certificate validator, checked right after
                // the handshake; here only "a certificate was sent" (Go's RequireAnyClientCert). A missing plain
                // certificate is refused by that check too, with a message that names it instead of a bare alert.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null || _serverNonce is null,
            };
        }
        catch (Exception ex)
        {
            _selectionError = ExceptionDispatchInfo.Capture(ex);
            throw;
        }
    }

    /// <summary>Runs the TLS server handshake with <see cref="SelectOptionsAsync"/> and surfaces selection errors as typed exceptions.</summary>
    /// <param name="stream">The stream to authenticate.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>A task that completes when the handshake is done.</returns>
    public async Task AuthenticateAsync(SslStream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            await stream.AuthenticateAsServerAsync(
                static (_, hello, state, ct) => ((AtlsServerSession)state!).SelectOptionsAsync(hello, ct), this, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (_selectionError is not null)
        {
            _selectionError.Throw();
            throw;
        }
    }

    /// <summary>Verifies the client after the handshake when this server validates clients (spec §4 with the server nonce).</summary>
    /// <param name="stream">The authenticated stream.</param>
    /// <param name="cancellationToken">Cancels validation.</param>
    /// <returns>What was verified, or <see langword="null"/> when this server does not validate clients.</returns>
    /// <exception cref="Attestation.AttestationException">The client is not accepted.</exception>
    public ValueTask<AtlsPeer?> VerifyClientAsync(SslStream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return VerifyClientAsync(stream.RemoteCertificate, cancellationToken);
    }

    /// <summary>Verifies a client certificate obtained from any TLS stack (e.g. Kestrel's connection feature).</summary>
    /// <param name="clientCertificate">The client's certificate, or null if it sent none.</param>
    /// <param name="cancellationToken">Cancels validation.</param>
    /// <returns>
    /// What was verified, or <see langword="null"/> when this server does not validate attested clients (a plain client
    /// certificate accepted by <see cref="AtlsOptions.ClientCertificateValidator"/> has no attested peer).
    /// </returns>
    /// <exception cref="Attestation.AttestationException">The client is not accepted.</exception>
    public async ValueTask<AtlsPeer?> VerifyClientAsync(X509Certificate? clientCertificate, CancellationToken cancellationToken = default)
    {
        var certificate = clientCertificate as X509Certificate2
            ?? (clientCertificate is not null ? X509CertificateLoader.LoadCertificate(clientCertificate.GetRawCertData()) : null);
        if (_options.ClientCertificateValidator is { } credentials)
        {
            await credentials.ValidateAsync(
                certificate ?? throw new AtlsException("client certificate: expected one the server accepts, got none"), cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (_serverNonce is null)
        {
            return null;
        }

        return await _verifier.VerifyAsync(certificate, _serverNonce, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ServerCertificate?.Dispose();
        _nonceCertificate?.Dispose();
    }

    private static X509Certificate2 CreateNonceCertificate(byte[] serverNonce, AtlsKeyPool? keyPool)
    {
        // Only the subject DN of this throw-away certificate goes on the wire (spec §5); its key signs nothing else.
        using var key = keyPool?.Rent() ?? AtlsKey.Generate();
        var now = DateTimeOffset.UtcNow;
        var der = AtlsCertificateEncoder.Encode(
            key.Key, key.SubjectPublicKeyInfo, extensionOid: null, document: default, now - AtlsCertificateFactory.ValiditySkew, now + AtlsCertificateFactory.ValiditySkew, AtlsNonce.ToAcceptableIssuer(serverNonce).RawData);
        return X509CertificateLoader.LoadCertificate(der);
    }
}
