using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.Debugd;

/// <summary>
/// The client certificate a developer presents to debugd: self-signed over the debug key, valid for client
/// authentication for one hour. Only its key counts on the node (the authorized debug key baked into the image).
/// </summary>
public static class DebugKeyCertificate
{
    /// <summary>Creates the certificate, with the private key attached (for <c>AtlsOptions.ClientCertificate</c>).</summary>
    /// <param name="key">The debug key (ECDSA).</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate; dispose it.</returns>
    public static X509Certificate2 Create(ECDsa key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new CertificateRequest("CN=constellation-debug", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }
}
