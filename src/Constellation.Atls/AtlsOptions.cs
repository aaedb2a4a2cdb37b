using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Constellation.Attestation;

namespace Constellation.Atls;

/// <summary>
/// Configures one side of an aTLS connection. What is set decides the mode (spec §5): an <see cref="Issuer"/> makes
/// this side present an attested certificate; <see cref="Validators"/> make it verify the peer's certificate.
/// </summary>
/// <remarks>
/// Immutable once built; one instance may serve any number of concurrent connections. Every connection still uses
/// a fresh nonce and, on the server, a fresh key (spec §2).
/// </remarks>
public sealed class AtlsOptions
{
    /// <summary>The validation timeout the Go implementation uses for one document.</summary>
    public static readonly TimeSpan DefaultValidationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Gets the issuer that attests this side, or <see langword="null"/> to present an unattested certificate.</summary>
    public IAttestationIssuer? Issuer { get; init; }

    /// <summary>Gets the validators for the peer's document; the first certificate extension matching one of their OIDs is validated.</summary>
    public IReadOnlyList<IAttestationValidator> Validators { get; init; } = Array.Empty<IAttestationValidator>();

    /// <summary>
    /// Gets the plain TLS client certificate, with its private key, that a client presents when the server asks for one
    /// (a server with <see cref="ClientCertificateValidator"/>), e.g. an administrator's certificate from a cluster CA;
    /// <see langword="null"/> (the default) presents none. A client is either attested (<see cref="Issuer"/>) or holds
    /// this certificate, never both. The caller owns the certificate and keeps it alive while connections are made.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// Gets the server's check of a plain TLS client certificate: when set, the server requires every client to present a
    /// certificate and accepts the connection only when this check passes, after the handshake and before any
    /// application data. For servers that attest themselves and authenticate their callers by a credential instead of
    /// attestation; it cannot be combined with <see cref="Validators"/> (client-attested and mutual modes).
    /// <see langword="null"/> (the default) requests no client certificate in server-attested mode.
    /// </summary>
    public IAtlsClientCertificateValidator? ClientCertificateValidator { get; init; }

    /// <summary>
    /// Gets a value indicating whether a client without validators may connect without verifying the server
    /// (Constellation's <c>DialNoVerify</c>, for callers that check a document themselves). Off by default so that
    /// forgetting the validators fails loudly instead of trusting anyone.
    /// </summary>
    public bool AllowUnverifiedPeer { get; init; }

    /// <summary>Gets the bound on validating one document; 30 s like Constellation.</summary>
    public TimeSpan ValidationTimeout { get; init; } = DefaultValidationTimeout;

    /// <summary>
    /// Gets the bound on a whole server-side handshake including issuing the certificate's document (Kestrel's
    /// handshake timeout); 30 s by default, because real issuers talk to a TPM or a CPU firmware interface.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = DefaultValidationTimeout;

    /// <summary>
    /// Gets the bound on issuing the client certificate's document inside the TLS certificate-selection callback
    /// when the issuer does not complete synchronously (see the remarks on <see cref="AtlsClient"/>).
    /// </summary>
    public TimeSpan ClientIssueTimeout { get; init; } = DefaultValidationTimeout;

    /// <summary>
    /// Gets the ALPN protocols, in preference order. Null uses the defaults of spec §6: a client offers
    /// <c>http/1.1, h2</c> like Go; a server prefers <c>h2</c> so that grpc-go clients negotiate HTTP/2.
    /// </summary>
    public IReadOnlyList<SslApplicationProtocol>? ApplicationProtocols { get; init; }

    /// <summary>
    /// Gets where handshakes are recorded (<see cref="Diagnostics.AtlsMetrics.HandshakeDurationInstrument"/>, by role and
    /// outcome), or <see langword="null"/> (the default) to record none. Every handshake that this library drives also
    /// starts an <c>atls.handshake</c> activity on <see cref="Attestation.Diagnostics.AttestationTelemetry.ActivitySource"/>.
    /// <c>AddAtlsClient</c> and <c>AddAtlsServer</c> set this to the container's <see cref="Diagnostics.AtlsMetrics"/>,
    /// which they register.
    /// </summary>
    public Diagnostics.AtlsMetrics? Metrics { get; init; }

    /// <summary>Gets the clock for certificate validity; <see cref="TimeProvider.System"/> by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The default of <see cref="KeyPoolSize"/>.</summary>
    public const int DefaultKeyPoolSize = 4;

    /// <summary>
    /// Gets how many certificate keys are generated ahead of time, on the thread pool, so that a handshake does not
    /// wait for P-256 key generation; 0 disables the pool (every key is generated inline). Each pooled key is still
    /// used for exactly one certificate, bound to that connection's nonce, then disposed (spec §2). The pool is
    /// created on first use, is shared by everything built from this options instance, and holds at most this many
    /// private keys in memory. Default <see cref="DefaultKeyPoolSize"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int KeyPoolSize
    {
        get => _keyPoolSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _keyPoolSize = value;
        }
    }

    private int _keyPoolSize = DefaultKeyPoolSize;
    private AtlsKeyPool? _keyPool;

    /// <summary>Gets the shared key pool, creating and priming it on first use; null when disabled.</summary>
    internal AtlsKeyPool? KeyPool
    {
        get
        {
            if (_keyPoolSize == 0)
            {
                return null;
            }

            var pool = Volatile.Read(ref _keyPool);
            if (pool is null)
            {
                var created = new AtlsKeyPool(_keyPoolSize);
                pool = Interlocked.CompareExchange(ref _keyPool, created, null) ?? created;
                if (ReferenceEquals(pool, created))
                {
                    created.Prime();
                }
            }

            return pool;
        }
    }

    internal AtlsPeerVerifier CreateVerifier() => new(Validators, ValidationTimeout, TimeProvider);
}
