using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Transport;

/// <summary>
/// Reads the node name from a kubelet certificate's subject, which must be exactly two single-valued RDNs,
/// <c>CN=system:node:&lt;name&gt;</c> and <c>O=system:nodes</c>, with a DNS-1123 node name. It does not check the chain:
/// use it on certificates <see cref="ClusterPeerPolicy.Nodes"/> accepted.
/// </summary>
public static class NodeCertificateSubject
{
    /// <summary>The CN prefix of kubelet identities.</summary>
    public const string CommonNamePrefix = KubeletCsr.NodeCommonNamePrefix;

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>Reads the node name of a kubelet certificate.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <param name="nodeName">The node name, or <see langword="null"/>.</param>
    /// <param name="failure">Why the subject is no kubelet identity, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the subject is exactly one kubelet identity.</returns>
    public static bool TryGetNodeName(X509Certificate2 certificate, [NotNullWhen(true)] out string? nodeName, [NotNullWhen(false)] out string? failure)
    {
        System.ArgumentNullException.ThrowIfNull(certificate);
        nodeName = null;
        string? commonName = null;
        string? organization = null;
        var count = 0;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            count++;
            if (rdn.HasMultipleElements)
            {
                failure = "certificate subject: expected single-valued RDNs CN=system:node:<name>, O=system:nodes, got a multi-valued RDN";
                return false;
            }

            var oid = rdn.GetSingleElementType().Value;
            if (oid == CommonNameOid)
            {
                commonName = rdn.GetSingleElementValue();
            }
            else if (oid == OrganizationOid)
            {
                organization = rdn.GetSingleElementValue();
            }
        }

        if (count != 2 || commonName is null || organization != KubeletCsr.NodesOrganization || !commonName.StartsWith(CommonNamePrefix, System.StringComparison.Ordinal))
        {
            failure = $"certificate subject: expected exactly CN={CommonNamePrefix}<name>, O={KubeletCsr.NodesOrganization}, got another subject";
            return false;
        }

        var name = commonName[CommonNamePrefix.Length..];
        if (!KubernetesNodeName.IsValid(name, out var problem))
        {
            failure = $"certificate subject: expected a DNS-1123 node name after {CommonNamePrefix}, got one that is not ({problem})";
            return false;
        }

        nodeName = name;
        failure = null;
        return true;
    }
}
