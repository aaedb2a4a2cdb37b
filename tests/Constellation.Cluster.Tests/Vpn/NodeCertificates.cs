using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Tests.Vpn;

/// <summary>Kubelet certificates as a node gets them in its join ticket (its own P-256 key, signed by the cluster CA).</summary>
internal static class NodeCertificates
{
    public static X509Certificate2 Kubelet(ClusterCertificateAuthority ca, string nodeName) =>
        Issue(key => ca.SignKubeletCertificate(KubeletCsr.Parse(Csr.For($"CN=system:node:{nodeName}, O=system:nodes", key)), DateTimeOffset.UtcNow));

    public static X509Certificate2 Issue(Func<ECDsa, X509Certificate2> sign)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = sign(key);
        return certificate.CopyWithPrivateKey(key);
    }
}
