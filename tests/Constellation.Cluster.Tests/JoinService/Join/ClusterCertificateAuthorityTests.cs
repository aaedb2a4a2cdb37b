using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Tests.JoinService.Join;

public class ClusterCertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Kubelet_certificates_follow_the_kubelet_profile()
    {
        using var ca = ClusterCertificateAuthority.Create("kubernetes", Now);
        var csr = KubeletCsr.Parse(Csr.ForNode("worker-1", IPAddress.Parse("10.0.0.7")));

        using var certificate = ca.SignKubeletCertificate(csr, Now);

        certificate.Subject.Should().Be("CN=system:node:worker-1, O=system:nodes");
        certificate.NotBefore.ToUniversalTime().Should().Be(Now.UtcDateTime - TimeSpan.FromHours(2));
        certificate.NotAfter.ToUniversalTime().Should().Be(Now.UtcDateTime + TimeSpan.FromDays(365));
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        eku.Should().BeEquivalentTo("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1");
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority.Should().BeFalse();
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Should().Equal(IPAddress.Parse("10.0.0.7"));
        certificate.PublicKey.ExportSubjectPublicKeyInfo().Should().Equal(csr.Request.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Test]
    public void Kubelet_certificates_chain_to_the_cluster_ca_and_not_to_another()
    {
        using var ca = ClusterCertificateAuthority.Create("kubernetes", Now);
        using var other = ClusterCertificateAuthority.Create("kubernetes", Now);
        using var certificate = ca.SignKubeletCertificate(KubeletCsr.Parse(Csr.ForNode("w")), Now);

        Chains(certificate, ca.Certificate).Should().BeTrue();
        Chains(certificate, other.Certificate).Should().BeFalse();
    }

    [Test]
    public void The_discovery_hash_is_the_sha256_of_the_ca_subject_public_key_info_as_openssl_computes_it()
    {
        using var ca = ClusterCertificateAuthority.Create("kubernetes", Now);
        var pem = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pem, ca.ExportCertificatePem());
            var publicKeyPem = Peer.Run("openssl", "x509", "-in", pem, "-noout", "-pubkey");
            var der = Convert.FromBase64String(string.Concat(publicKeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));

            ca.DiscoveryTokenCaCertHash.Should().Be("sha256:" + Convert.ToHexStringLower(SHA256.HashData(der)));
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Test]
    public void Serial_numbers_are_unique_and_positive()
    {
        using var ca = ClusterCertificateAuthority.Create("kubernetes", Now);
        var csr = KubeletCsr.Parse(Csr.ForNode("w"));
        var serials = Enumerable.Range(0, 50).Select(_ =>
        {
            using var c = ca.SignKubeletCertificate(csr, Now);
            return c.SerialNumberBytes.ToArray();
        }).ToList();

        serials.Select(Convert.ToHexString).Should().OnlyHaveUniqueItems();
        serials.Should().OnlyContain(s => (s[0] & 0x80) == 0, "SerialNumberBytes is big-endian; a set top bit would make the DER integer negative");
    }

    private static bool Chains(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        return chain.Build(leaf);
    }
}
