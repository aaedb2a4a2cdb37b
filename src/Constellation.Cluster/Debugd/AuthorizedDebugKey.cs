using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// Who may call debugd: the holder of the one debug key baked into the debug image. The client's certificate is plain
/// (self-signed is fine: nothing but its key counts); its SubjectPublicKeyInfo must equal the authorized key's byte for
/// byte, which the TLS handshake has proven the client holds the private key of.
/// </summary>
/// <remarks>Immutable and thread safe: one instance checks every connection.</remarks>
internal sealed class AuthorizedDebugKey : IAtlsClientCertificateValidator
{
    private readonly byte[] _subjectPublicKeyInfo;

    private AuthorizedDebugKey(byte[] subjectPublicKeyInfo)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Fingerprint = DebugKeyFingerprint.Of(subjectPublicKeyInfo);
    }

    /// <summary>Gets the authorized key's fingerprint (<c>sha256:</c> hex of its SubjectPublicKeyInfo).</summary>
    public string Fingerprint { get; }

    /// <summary>Reads the authorized key from a PEM public key (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="source">Where it came from, for the message.</param>
    /// <exception cref="DebugdException">The text is no PEM public key.</exception>
    public static AuthorizedDebugKey FromPem(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
        {
            throw new DebugdException($"authorized debug key {source}: expected a PEM \"PUBLIC KEY\" block, got none");
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        try
        {
            // Parsing proves it is a key .NET can use on a TLS certificate (ECDSA or RSA), not just any base64.
            var key = PublicKey.CreateFromSubjectPublicKeyInfo(der, out _);
            using var ecdsa = key.GetECDsaPublicKey();
            using var rsa = ecdsa is null ? key.GetRSAPublicKey() : null;
            if (ecdsa is null && rsa is null)
            {
                throw new DebugdException($"authorized debug key {source}: expected an ECDSA or RSA public key, got algorithm {key.Oid.Value}");
            }
        }
        catch (CryptographicException ex)
        {
            throw new DebugdException($"authorized debug key {source}: expected a SubjectPublicKeyInfo, got bytes that are not one ({ex.Message})", ex);
        }

        return new AuthorizedDebugKey(der);
    }

    public ValueTask ValidateAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var presented = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        if (!CryptographicOperations.FixedTimeEquals(presented, _subjectPublicKeyInfo))
        {
            throw new AtlsException($"debug key: expected the authorized key {Fingerprint}, got {DebugKeyFingerprint.Of(presented)}");
        }

        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"debug key {Fingerprint}";
}
