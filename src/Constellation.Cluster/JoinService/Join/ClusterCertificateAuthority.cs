using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// A cluster CA (ECDSA P-256) that signs kubelet certificates with Constellation's kubelet profile:
/// validity now−2 h … now+365 days, digital signature, EKU client and server authentication, IP SANs from the CSR.
/// </summary>
/// <remarks>Thread-safe; dispose to release the private key.</remarks>
public sealed class ClusterCertificateAuthority : IDisposable
{
    /// <summary>How far back kubelet certificates are valid, to tolerate clock skew between nodes.</summary>
    public static readonly TimeSpan KubeletBackdate = TimeSpan.FromHours(2);

    /// <summary>How long kubelet certificates are valid.</summary>
    public static readonly TimeSpan KubeletLifetime = TimeSpan.FromDays(365);

    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2 _certificate;
    private readonly ECDsa _key;

    private ClusterCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        _certificate = certificate;
        _key = key;
    }

    /// <summary>Gets the CA certificate (public part only).</summary>
    public X509Certificate2 Certificate => X509CertificateLoader.LoadCertificate(_certificate.RawData);

    /// <summary>Gets kubeadm's discovery hash of the CA: <c>sha256:&lt;hex of SHA-256(SubjectPublicKeyInfo)&gt;</c>.</summary>
    public string DiscoveryTokenCaCertHash => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(_certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>Creates a new self-signed CA valid for ten years.</summary>
    /// <param name="commonName">The CA's CN, e.g. <c>kubernetes</c>.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The CA.</returns>
    public static ClusterCertificateAuthority Create(string commonName, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var selfSigned = request.CreateSelfSigned(now - KubeletBackdate, now.AddYears(10));
            return new ClusterCertificateAuthority(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads a CA from PEM certificate and PEM PKCS#8 EC private key (e.g. kubeadm's <c>ca.crt</c>/<c>ca.key</c>).</summary>
    /// <param name="certificatePem">The CA certificate.</param>
    /// <param name="privateKeyPem">The CA's EC private key.</param>
    /// <returns>The CA.</returns>
    public static ClusterCertificateAuthority FromPem(string certificatePem, string privateKeyPem)
    {
        var certificate = X509Certificate2.CreateFromPem(certificatePem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(privateKeyPem);
            using var check = certificate.CopyWithPrivateKey(key);
            return new ClusterCertificateAuthority(certificate, key);
        }
        catch
        {
            key.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>Exports the CA certificate as PEM.</summary>
    /// <returns>The PEM text.</returns>
    public string ExportCertificatePem() => _certificate.ExportCertificatePem();

    /// <summary>Exports the CA private key as PKCS#8 PEM. It is a secret: only for control-plane files.</summary>
    /// <returns>The PEM text.</returns>
    public string ExportPrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>Signs a checked kubelet CSR with the kubelet certificate profile.</summary>
    /// <param name="csr">The checked CSR.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate.</returns>
    public X509Certificate2 SignKubeletCertificate(KubeletCsr csr, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(csr);
        return Sign(csr.Request.SubjectName, csr.Request.PublicKey, csr.IPAddresses, [ClientAuthOid, ServerAuthOid], now);
    }

    /// <summary>Signs a client-authentication certificate (e.g. the admin kubeconfig's user) for a subject and public key.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="publicKey">The subject's public key.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate.</returns>
    public X509Certificate2 SignClientCertificate(X500DistinguishedName subject, PublicKey publicKey, DateTimeOffset now) =>
        Sign(subject, publicKey, [], [ClientAuthOid], now);

    /// <summary>Signs a server-authentication certificate (e.g. the key service's) for a subject, public key and IP addresses.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="publicKey">The subject's public key.</param>
    /// <param name="ipAddresses">The addresses the server is reached at (IP SANs).</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate.</returns>
    public X509Certificate2 SignServerCertificate(X500DistinguishedName subject, PublicKey publicKey, IEnumerable<IPAddress> ipAddresses, DateTimeOffset now) =>
        Sign(subject, publicKey, ipAddresses ?? throw new ArgumentNullException(nameof(ipAddresses)), [ServerAuthOid], now);

    /// <summary>
    /// Signs a certificate for both TLS server and client authentication (an etcd member: it serves clients and peers,
    /// and dials its peers with the same certificate) for a subject, public key and IP addresses.
    /// </summary>
    /// <param name="subject">The subject.</param>
    /// <param name="publicKey">The subject's public key.</param>
    /// <param name="ipAddresses">The IP addresses it serves on (subject alternative names).</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate (public part).</returns>
    internal X509Certificate2 SignPeerCertificate(X500DistinguishedName subject, PublicKey publicKey, IEnumerable<IPAddress> ipAddresses, DateTimeOffset now) =>
        Sign(subject, publicKey, ipAddresses ?? throw new ArgumentNullException(nameof(ipAddresses)), [ServerAuthOid, ClientAuthOid], now);

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        _certificate.Dispose();
    }

    private X509Certificate2 Sign(X500DistinguishedName subject, PublicKey publicKey, IEnumerable<IPAddress> ipAddresses, string[] extendedKeyUsages, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(publicKey);
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var usages = new OidCollection();
        foreach (var usage in extendedKeyUsages)
        {
            usages.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        var san = new SubjectAlternativeNameBuilder();
        var anyAddress = false;
        foreach (var address in ipAddresses)
        {
            san.AddIpAddress(address);
            anyAddress = true;
        }

        if (anyAddress)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        var notAfter = now + KubeletLifetime;
        if (notAfter > _certificate.NotAfter)
        {
            notAfter = _certificate.NotAfter;
        }

        return request.Create(_certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now - KubeletBackdate, notAfter, NewSerialNumber());
    }

    private static byte[] NewSerialNumber()
    {
        // 128 random bits, positive (top bit clear) as RFC 5280 requires.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        if (serial.All(b => b == 0))
        {
            serial[^1] = 1;
        }

        return serial;
    }
}
