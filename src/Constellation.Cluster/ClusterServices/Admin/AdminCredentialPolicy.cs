using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Cluster.Transport;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// Who may call the admin API: the holder of a client certificate issued by the cluster CA, for client
/// authentication, in the organisation <c>system:masters</c> — the admin kubeconfig <c>init</c> writes
/// (<c>CN=kubernetes-admin, O=system:masters</c>), as Kubernetes authorises cluster admins.
/// </summary>
/// <remarks>
/// The organisation is required because the cluster CA also issues kubelet certificates (<c>O=system:nodes</c>) to every
/// joined node, and the join service's own certificate; a chain to the CA alone would let a node replace the policy.
/// Immutable and thread safe; the trust anchor is a copy without private key.
/// </remarks>
internal sealed class AdminCredentialPolicy : IAtlsClientCertificateValidator
{
    /// <summary>The Kubernetes group of cluster administrators.</summary>
    public const string AdminGroup = "system:masters";

    private const string OrganizationOid = "2.5.4.10";
    private readonly X509Certificate2 _trustAnchor;

    public AdminCredentialPolicy(X509Certificate2 clusterCa)
    {
        ArgumentNullException.ThrowIfNull(clusterCa);
        _trustAnchor = X509CertificateLoader.LoadCertificate(clusterCa.RawData);
    }

    public ValueTask ValidateAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var organizations = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => !n.HasMultipleElements && n.GetSingleElementType().Value == OrganizationOid)
            .Select(n => n.GetSingleElementValue())
            .ToList();
        if (!organizations.Contains(AdminGroup, StringComparer.Ordinal))
        {
            throw new AtlsException(
                $"admin credential: expected a client certificate in O={AdminGroup}, got {(organizations.Count == 0 ? "no organisation" : "O=" + string.Join(", O=", organizations))}");
        }

        if (!ClusterPeerPolicy.IssuedBy(_trustAnchor, certificate, ClusterPeerPolicy.ClientAuthentication, out var failure))
        {
            throw new AtlsException($"admin credential: {failure}");
        }

        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"O={AdminGroup} ({ClusterPeerPolicy.ClientAuthentication}) issued by {_trustAnchor.Subject}";
}
