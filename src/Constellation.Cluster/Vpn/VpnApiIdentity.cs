using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Transport;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// How the VPN API and the nodes authenticate each other: mutual TLS 1.3; the server presents a cluster-CA
/// certificate for <see cref="ServerName"/>, a node its kubelet certificate (<c>CN=system:node:&lt;name&gt;</c>,
/// <c>O=system:nodes</c>) from its join ticket. The node's name for the VPN is the one in that certificate.
/// </summary>
public static class VpnApiIdentity
{
    /// <summary>The common name of the VPN API's server certificate.</summary>
    public const string ServerName = "constellation-vpn-api";

    /// <summary>Issues the VPN API's server certificate (fresh ECDSA P-256 key, IP SANs for its addresses).</summary>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="addresses">Where the VPN API listens.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate with its private key; the caller disposes it.</returns>
    public static X509Certificate2 IssueServerCertificate(ClusterCertificateAuthority ca, IEnumerable<IPAddress> addresses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(addresses);
        return KeyServiceIdentity.Issue(key => ca.SignServerCertificate(new X500DistinguishedName("CN=" + ServerName), key, addresses, now));
    }

    /// <summary>Creates the VPN API's transport: mutual TLS that admits the cluster's nodes only.</summary>
    /// <param name="serverCertificate">The VPN API's certificate with its private key.</param>
    /// <param name="clusterCa">The cluster CA certificate.</param>
    /// <returns>The transport.</returns>
    public static IServerTransport CreateServerTransport(X509Certificate2 serverCertificate, X509Certificate2 clusterCa) =>
        new MutualTlsServerTransport(serverCertificate, ClusterPeerPolicy.Nodes(clusterCa));

    /// <summary>Creates a node's channels to the VPN API: its kubelet certificate, the server's checked.</summary>
    /// <param name="nodeCertificate">The node's kubelet certificate with its private key.</param>
    /// <param name="clusterCa">The cluster CA certificate.</param>
    /// <returns>The channel factory.</returns>
    public static IGrpcChannelFactory CreateClientChannels(X509Certificate2 nodeCertificate, X509Certificate2 clusterCa) =>
        new MutualTlsGrpcChannelFactory(nodeCertificate, new ClusterPeerPolicy(clusterCa, ServerName, ClusterPeerPolicy.ServerAuthentication));
}
