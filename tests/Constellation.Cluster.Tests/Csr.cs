using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.Tests;

/// <summary>Builds kubelet CSRs the way a joining node does, or deliberately wrong.</summary>
internal static class Csr
{
    public static byte[] For(string subject, params IPAddress[] addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return For(subject, key, addresses);
    }

    public static byte[] For(string subject, ECDsa key, params IPAddress[] addresses)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (addresses.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var address in addresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return request.CreateSigningRequest();
    }

    public static byte[] ForNode(string nodeName, params IPAddress[] addresses) => For($"CN=system:node:{nodeName}, O=system:nodes", addresses);
}
