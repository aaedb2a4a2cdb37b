using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;

namespace Constellation.Atls;

/// <summary>
/// Verifies a peer's aTLS certificate (spec §4): self-signature, validity window, no unhandled critical extension,
/// then the first extension whose OID matches a validator is validated against this side's own nonce under a
/// timeout, and the user data it binds must equal SHA-256 of the certificate's DER SubjectPublicKeyInfo.
/// </summary>
/// <remarks>Immutable and thread safe.</remarks>
public sealed class AtlsPeerVerifier
{
    // Critical extensions Go's x509 verifier understands; anything else critical makes Go reject the certificate.
    private static readonly ImmutableHashSet<string> HandledCriticalExtensions = ImmutableHashSet.Create(
        StringComparer.Ordinal, "2.5.29.15", "2.5.29.19", "2.5.29.37", "2.5.29.17", "2.5.29.30", "2.5.29.32", "2.5.29.36", "2.5.29.54");

    private readonly ImmutableArray<IAttestationValidator> _validators;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    /// <param name="validators">The validators; empty means "accept any well-formed certificate" (no-verify mode).</param>
    /// <param name="validationTimeout">The bound on one validation; spec: 30 s.</param>
    /// <param name="timeProvider">The clock for the validity window and the timeout.</param>
    public AtlsPeerVerifier(IEnumerable<IAttestationValidator> validators, TimeSpan validationTimeout, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validationTimeout, TimeSpan.Zero);
        _validators = validators.ToImmutableArray();
        if (_validators.Any(v => v is null))
        {
            throw new ArgumentException("validators must not contain null", nameof(validators));
        }

        _timeout = validationTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets a value indicating whether this verifier validates documents (false: no-verify mode).</summary>
    public bool HasValidators => !_validators.IsEmpty;

    /// <summary>Verifies a peer certificate.</summary>
    /// <param name="certificate">The first certificate the peer sent, or null when it sent none.</param>
    /// <param name="ownNonce">The nonce this side sent (client: SNI nonce; server: acceptable-CA nonce).</param>
    /// <param name="cancellationToken">Cancels validation.</param>
    /// <returns>What was established.</returns>
    /// <exception cref="AtlsException">No certificate, unhandled critical extension, or validation timed out.</exception>
    /// <exception cref="AtlsIncompatibleCertificateException">No extension matches a validator.</exception>
    /// <exception cref="AttestationSignatureException">The self-signature does not verify.</exception>
    /// <exception cref="AttestationFreshnessException">The certificate is expired or not yet valid.</exception>
    /// <exception cref="AttestationBindingException">The document binds other user data than this certificate's key hash.</exception>
    /// <exception cref="AttestationException">The validator rejected the document.</exception>
    public async ValueTask<AtlsPeer> VerifyAsync(X509Certificate2? certificate, ReadOnlyMemory<byte> ownNonce, CancellationToken cancellationToken = default)
    {
        if (certificate is null)
        {
            throw new AtlsException("peer certificate: rawCerts is empty (the peer sent no certificate)");
        }

        byte[] hash;
        ImmutableArray<string> oids;
        try
        {
            VerifyStructure(certificate);
            hash = AtlsCertificateFactory.ComputeUserData(certificate);
            oids = certificate.Extensions.Select(e => e.Oid?.Value ?? string.Empty).ToImmutableArray();
        }
        catch (CryptographicException ex)
        {
            // A field the platform cannot decode (validity, key, extensions): not a certificate we can trust.
            throw new AtlsException($"peer certificate is malformed: {ex.Message}", ex);
        }
        if (_validators.IsEmpty)
        {
            return new AtlsPeer(certificate, oids, hash, attestation: null);
        }

        foreach (X509Extension extension in certificate.Extensions)
        {
            var validator = _validators.FirstOrDefault(v => string.Equals(v.Variant.Oid, extension.Oid?.Value, StringComparison.Ordinal));
            if (validator is null)
            {
                continue;
            }

            var result = await ValidateAsync(validator, extension.RawData, ownNonce, cancellationToken).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(result.UserData.Span, hash))
            {
                throw new AttestationBindingException(
                    $"certificate hash does not match user data: expected {Convert.ToHexStringLower(hash)} (SHA-256 of the certificate's SubjectPublicKeyInfo), got {Convert.ToHexStringLower(result.UserData.Span)}");
            }

            return new AtlsPeer(certificate, oids, hash, result);
        }

        throw new AtlsIncompatibleCertificateException(oids, _validators.Select(v => v.Variant.Oid));
    }

    private async ValueTask<AttestationValidationResult> ValidateAsync(
        IAttestationValidator validator, byte[] document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await validator.ValidateAsync(document, nonce, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AtlsException(
                $"validating the {validator.Variant.Name} attestation document timed out after {_timeout.TotalSeconds:0.###} s",
                new TimeoutException(ex.Message, ex));
        }
    }

    private void VerifyStructure(X509Certificate2 certificate)
    {
        var now = _timeProvider.GetUtcNow();
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (now < notBefore)
        {
            throw new AttestationFreshnessException(
                $"peer certificate is not yet valid: NotBefore {notBefore:O}, now {now:O}");
        }

        if (now > notAfter)
        {
            throw new AttestationFreshnessException(
                $"peer certificate has expired: NotAfter {notAfter:O}, now {now:O}");
        }

        foreach (X509Extension extension in certificate.Extensions)
        {
            var oid = extension.Oid?.Value ?? string.Empty;
            if (extension.Critical && !HandledCriticalExtensions.Contains(oid))
            {
                throw new AtlsException($"peer certificate has an unhandled critical extension {oid}");
            }
        }

        VerifySelfSignature(certificate);
    }

    private static void VerifySelfSignature(X509Certificate2 certificate)
    {
        ReadOnlyMemory<byte> tbs;
        string algorithm;
        byte[] signature;
        try
        {
            var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            tbs = sequence.ReadEncodedValue();
            var algorithmIdentifier = sequence.ReadSequence();
            algorithm = algorithmIdentifier.ReadObjectIdentifier();
            signature = sequence.ReadBitString(out var unusedBits);
            sequence.ThrowIfNotEmpty();
            if (unusedBits != 0)
            {
                throw new AttestationSignatureException("peer certificate: signature BIT STRING has unused bits");
            }
        }
        catch (AsnContentException ex)
        {
            throw new AtlsException("peer certificate is not DER X.509", ex);
        }

        var hashAlgorithm = algorithm switch
        {
            "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => throw new AttestationSignatureException($"peer certificate signature algorithm: expected ecdsa-with-SHA256 (1.2.840.10045.4.3.2), got {algorithm}"),
        };
        using var key = certificate.GetECDsaPublicKey()
            ?? throw new AttestationSignatureException($"peer certificate key: expected an ECDSA key, got {certificate.PublicKey.Oid.Value}");
        if (!key.VerifyData(tbs.Span, signature, hashAlgorithm, DSASignatureFormat.Rfc3279DerSequence))
        {
            throw new AttestationSignatureException("peer certificate self-signature does not verify with its own public key");
        }
    }
}
