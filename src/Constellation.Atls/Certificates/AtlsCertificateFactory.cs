using System;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;

namespace Constellation.Atls;

/// <summary>
/// Builds aTLS certificates (spec §3): a fresh P-256 key, self-signed with ecdsa-with-SHA256, <c>CN=Constellation</c>,
/// valid from two hours ago to two hours from now, a random 128-bit serial and — when an issuer is given — the
/// attestation document in a non-critical extension named by the variant OID, bound to SHA-256 of the DER SPKI.
/// </summary>
/// <remarks>Stateless and thread safe.</remarks>
public static class AtlsCertificateFactory
{
    /// <summary>The subject and issuer of every aTLS certificate.</summary>
    public const string SubjectName = "CN=Constellation";

    /// <summary>How far the validity window reaches into the past and the future.</summary>
    public static readonly TimeSpan ValiditySkew = TimeSpan.FromHours(2);

    /// <summary>Creates a fresh key and a certificate carrying an attestation document issued for it.</summary>
    /// <param name="issuer">The issuer, or <see langword="null"/> for a certificate without attestation extension.</param>
    /// <param name="peerNonce">The peer's nonce that the document is bound to.</param>
    /// <param name="timeProvider">The clock for the validity window; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels issuing.</param>
    /// <returns>The certificate with its private key. The caller owns and disposes it.</returns>
    /// <exception cref="AttestationException">The issuer failed.</exception>
    public static async ValueTask<X509Certificate2> CreateAsync(
        IAttestationIssuer? issuer,
        ReadOnlyMemory<byte> peerNonce,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[]? document = null;
        if (issuer is not null)
        {
            document = await issuer.IssueAsync(ComputeUserData(key), peerNonce, cancellationToken).ConfigureAwait(false);
        }

        return Create(key, issuer?.Variant, document, (timeProvider ?? TimeProvider.System).GetUtcNow());
    }

    /// <summary>Creates a certificate for an existing key, optionally carrying a document.</summary>
    /// <param name="key">The P-256 key; the certificate gets a copy of it.</param>
    /// <param name="variant">The variant whose OID names the extension; null for no extension.</param>
    /// <param name="document">The document bytes; ignored when <paramref name="variant"/> is null.</param>
    /// <param name="now">The time the validity window is centred on.</param>
    /// <returns>The certificate with its private key.</returns>
    public static X509Certificate2 Create(ECDsa key, AttestationVariant? variant, ReadOnlySpan<byte> document, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create(key, variant, document.ToArray(), now - ValiditySkew, now + ValiditySkew);
    }

    /// <summary>Creates a certificate with an explicit validity window (for tests of expired certificates and tools).</summary>
    /// <param name="key">The key; the certificate is self-signed with it.</param>
    /// <param name="variant">The variant whose OID names the extension; null for no extension.</param>
    /// <param name="document">The document bytes; ignored when <paramref name="variant"/> is null.</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity.</param>
    /// <returns>The certificate with its private key.</returns>
    public static X509Certificate2 Create(ECDsa key, AttestationVariant? variant, byte[]? document, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new CertificateRequest(SubjectName, key, HashAlgorithmName.SHA256);
        if (variant is not null && document is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(variant.Oid, document, critical: false));
        }

        using var publicOnly = request.Create(
            new X500DistinguishedName(SubjectName), X509SignatureGenerator.CreateForECDsa(key), notBefore, notAfter, CreateSerialNumber());
        return publicOnly.CopyWithPrivateKey(key);
    }

    /// <summary>Computes the user data aTLS binds into a document: SHA-256 of the DER SubjectPublicKeyInfo.</summary>
    /// <param name="key">The certificate key.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeUserData(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Computes the user data aTLS binds into a document for a certificate's public key.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>32 bytes: SHA-256 of the DER SubjectPublicKeyInfo.</returns>
    public static byte[] ComputeUserData(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    private static byte[] CreateSerialNumber()
    {
        // Uniform in [0, 2^128) like Go's rand.Int; minimal DER INTEGER content (a leading zero only when the top bit is set).
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var serial = new BigInteger(random, isUnsigned: true, isBigEndian: true);
        return serial.ToByteArray(isUnsigned: false, isBigEndian: true);
    }
}
