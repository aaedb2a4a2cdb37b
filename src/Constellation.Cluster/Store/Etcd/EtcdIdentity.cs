using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>
/// The certificates of the cluster store, all from the cluster CA: each member's (server and client authentication,
/// IP SANs of its client and peer addresses — it serves clients and peers and dials its peers with it) and the cluster
/// services' client certificate.
/// </summary>
internal static class EtcdIdentity
{
    /// <summary>Issues a member certificate (fresh ECDSA P-256 key).</summary>
    public static X509Certificate2 IssueMemberCertificate(ClusterCertificateAuthority ca, IEnumerable<IPAddress> addresses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return KeyServiceIdentity.Issue(key => ca.SignPeerCertificate(new X500DistinguishedName("CN=" + EtcdStoreOptions.MemberCommonName), key, addresses, now));
    }

    /// <summary>Issues the cluster services' etcd client certificate (fresh ECDSA P-256 key).</summary>
    public static X509Certificate2 IssueClientCertificate(ClusterCertificateAuthority ca, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return KeyServiceIdentity.Issue(key => ca.SignClientCertificate(new X500DistinguishedName("CN=" + EtcdStoreOptions.ClientCommonName), key, now));
    }
}
