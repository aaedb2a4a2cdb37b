using System;
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
    public static ValueTask<X509Certificate2> CreateAsync(
        IAttestationIssuer? issuer,
        ReadOnlyMemory<byte> peerNonce,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default) =>
        CreateAsync(issuer, peerNonce, timeProvider, keyPool: null, cancellationToken);

    /// <summary>Like the public overload, with the key taken from <paramref name="keyPool"/> when one is given.</summary>
    internal static async ValueTask<X509Certificate2> CreateAsync(
        IAttestationIssuer? issuer,
        ReadOnlyMemory<byte> peerNonce,
        TimeProvider? timeProvider,
        AtlsKeyPool? keyPool,
        CancellationToken cancellationToken)
    {
        using var key = keyPool?.Rent() ?? AtlsKey.Generate();
        byte[]? document = null;
        if (issuer is not null)
        {
            document = await issuer.IssueAsync(key.UserData, peerNonce, cancellationToken).ConfigureAwait(false);
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        return CreateCertificate(key.Key, key.SubjectPublicKeyInfo, document is null ? null : issuer!.Variant, document, now - ValiditySkew, now + ValiditySkew);
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
        return CreateCertificate(key, key.ExportSubjectPublicKeyInfo(), variant, document, notBefore, notAfter);
    }

    private static X509Certificate2 CreateCertificate(ECDsa key, byte[] subjectPublicKeyInfo, AttestationVariant? variant, byte[]? document, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var withExtension = variant is not null && document is not null;
        var der = AtlsCertificateEncoder.Encode(key, subjectPublicKeyInfo, withExtension ? variant!.Oid : null, document, notBefore, notAfter);
        using var publicOnly = X509CertificateLoader.LoadCertificate(der);
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
}
