using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Atls;

/// <summary>
/// One client connection's aTLS state: its nonce, the <see cref="SslClientAuthenticationOptions"/> that carry it, and
/// the verification of the server that must run after the handshake and before any application data.
/// </summary>
/// <remarks>Use once, for one connection. Not thread safe.</remarks>
public sealed class AtlsClientSession
{
    private static readonly List<SslApplicationProtocol> DefaultProtocols = [SslApplicationProtocol.Http11, SslApplicationProtocol.Http2];

    private readonly AtlsOptions _options;
    private readonly AtlsPeerVerifier _verifier;
    private readonly byte[] _nonce = AtlsNonce.Create();
    private ExceptionDispatchInfo? _clientCertificateError;

    internal AtlsClientSession(AtlsOptions options, AtlsPeerVerifier verifier)
    {
        _options = options;
        _verifier = verifier;
    }

    /// <summary>Gets this connection's client nonce (sent as SNI).</summary>
    public ReadOnlyMemory<byte> Nonce => _nonce;

    /// <summary>Gets the attested client certificate this session presented, if the server asked for one.</summary>
    public X509Certificate2? ClientCertificate { get; private set; }

    /// <summary>Creates the TLS options for this connection.</summary>
    /// <param name="applicationProtocols">ALPN to offer instead of the configured or default list.</param>
    /// <returns>Options with the nonce as SNI, structural server-certificate acceptance and the client-certificate callback.</returns>
    public SslClientAuthenticationOptions CreateSslOptions(IReadOnlyList<SslApplicationProtocol>? applicationProtocols = null) => new()
    {
        TargetHost = AtlsNonce.ToServerName(_nonce),
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ApplicationProtocols = (applicationProtocols ?? _options.ApplicationProtocols ?? DefaultProtocols).ToList(),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // Every connection has a fresh nonce and must present a freshly attested certificate; a resumed session
        // would carry neither, so resumption is off (it also saves the server's ticket work per connection).
        AllowTlsResume = false,
        // The system CA store plays no part in aTLS trust; an empty custom root store keeps SslStream's obligatory
        // chain build from loading and sorting the system roots on every handshake.
        CertificateChainPolicy = CreateChainPolicy(),
        // Trust comes from the attestation document, checked right after the handshake; here only "a certificate was sent".
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        LocalCertificateSelectionCallback = SelectClientCertificate,
    };

    internal static X509ChainPolicy CreateChainPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    /// <summary>Runs the TLS handshake with <see cref="CreateSslOptions"/> and surfaces client-certificate errors as typed exceptions.</summary>
    /// <param name="stream">The stream to authenticate.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <param name="applicationProtocols">ALPN to offer instead of the configured or default list.</param>
    /// <returns>A task that completes when the handshake is done.</returns>
    public async Task AuthenticateAsync(SslStream stream, CancellationToken cancellationToken, IReadOnlyList<SslApplicationProtocol>? applicationProtocols = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            await stream.AuthenticateAsClientAsync(CreateSslOptions(applicationProtocols), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (_clientCertificateError is not null)
        {
            _clientCertificateError.Throw();
            throw;
        }
    }

    /// <summary>Verifies the server after the handshake (spec §4 with this session's nonce).</summary>
    /// <param name="stream">The authenticated stream.</param>
    /// <param name="cancellationToken">Cancels validation.</param>
    /// <returns>What was verified.</returns>
    /// <exception cref="Attestation.AttestationException">The server is not accepted.</exception>
    public async ValueTask<AtlsPeer> VerifyServerAsync(SslStream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _clientCertificateError?.Throw();
        var certificate = stream.RemoteCertificate as X509Certificate2
            ?? (stream.RemoteCertificate is { } other ? X509CertificateLoader.LoadCertificate(other.GetRawCertData()) : null);
        return await _verifier.VerifyAsync(certificate, _nonce, cancellationToken).ConfigureAwait(false);
    }

    private X509Certificate2? SelectClientCertificate(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate? remoteCertificate, string[] acceptableIssuers)
    {
        // A plain credential is bound to no nonce, so it may be offered up front; TLS sends it only when the server
        // asks. It is the caller's, so it is not this session's to dispose.
        if (_options.ClientCertificate is { } credential)
        {
            return credential;
        }

        // .NET asks once before the handshake (no issuers yet) and again when a CertificateRequest arrives.
        if (acceptableIssuers.Length == 0 && remoteCertificate is null)
        {
            return null;
        }

        if (ClientCertificate is not null)
        {
            return ClientCertificate;
        }

        // A request without a server nonce asks for a plain credential (a server with a client-certificate validator):
        // an unattested client that holds none sends none, and that server names what is missing.
        if (_options.Issuer is null && acceptableIssuers.Length == 0)
        {
            return null;
        }

        try
        {
            var serverNonce = AtlsNonce.FromAcceptableIssuers(acceptableIssuers);
            var pending = AtlsCertificateFactory.CreateAsync(_options.Issuer, serverNonce, _options.TimeProvider, _options.KeyPool, CancellationToken.None);
            ClientCertificate = pending.IsCompletedSuccessfully ? pending.Result : WaitBounded(pending.AsTask());
            return ClientCertificate;
        }
        catch (Exception ex)
        {
            _clientCertificateError = ExceptionDispatchInfo.Capture(ex);
            throw;
        }
    }

    private X509Certificate2 WaitBounded(Task<X509Certificate2> pending)
    {
        // The documented exception to "never block": the TLS callback is synchronous and the nonce only exists here.
        if (!pending.Wait(_options.ClientIssueTimeout))
        {
            throw new AtlsException($"issuing the client attestation document timed out after {_options.ClientIssueTimeout.TotalSeconds:0.###} s");
        }

        return pending.GetAwaiter().GetResult();
    }
}
