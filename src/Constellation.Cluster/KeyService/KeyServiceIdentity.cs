using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;
using Constellation.Cluster.Transport;

namespace Constellation.Cluster.KeyService;

/// <summary>
/// How the key service and its one caller, the join service, authenticate each other: mutual TLS 1.3 with
/// certificates from the cluster CA for the pinned subjects <see cref="KeyServiceName"/> (server authentication) and
/// <see cref="JoinServiceName"/> (client authentication).
/// </summary>
/// <remarks>
/// Mutual TLS rather than aTLS: what the key service must know is <em>which service</em> calls, not that the caller
/// runs an attested image. Every attested worker node passes an aTLS check, and the key service hands out every
/// disk key and the measurement secret, so it must serve the join service only.
/// </remarks>
public static class KeyServiceIdentity
{
    /// <summary>The common name of the key service's server certificate.</summary>
    public const string KeyServiceName = "constellation-key-service";

    /// <summary>The common name of the join service's client certificate for the key service.</summary>
    public const string JoinServiceName = "constellation-join-service";

    /// <summary>Issues the key service's server certificate (fresh ECDSA P-256 key, IP SANs for its addresses).</summary>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="addresses">Where the key service listens.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate with its private key; the caller disposes it.</returns>
    public static X509Certificate2 IssueKeyServiceCertificate(ClusterCertificateAuthority ca, IEnumerable<IPAddress> addresses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(addresses);
        return Issue(key => ca.SignServerCertificate(Subject(KeyServiceName), key, addresses, now));
    }

    /// <summary>Issues the join service's client certificate for the key service (fresh ECDSA P-256 key).</summary>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate with its private key; the caller disposes it.</returns>
    public static X509Certificate2 IssueJoinServiceCertificate(ClusterCertificateAuthority ca, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return Issue(key => ca.SignClientCertificate(Subject(JoinServiceName), key, now));
    }

    /// <summary>Gets the policy the key service applies to callers: the join service's certificate from the cluster CA.</summary>
    /// <param name="clusterCa">The cluster CA certificate.</param>
    /// <returns>The policy.</returns>
    public static ClusterPeerPolicy Callers(X509Certificate2 clusterCa) => new(clusterCa, JoinServiceName, ClusterPeerPolicy.ClientAuthentication);

    /// <summary>Gets the policy the join service applies to the key service: its server certificate from the cluster CA.</summary>
    /// <param name="clusterCa">The cluster CA certificate.</param>
    /// <returns>The policy.</returns>
    public static ClusterPeerPolicy Server(X509Certificate2 clusterCa) => new(clusterCa, KeyServiceName, ClusterPeerPolicy.ServerAuthentication);

    /// <summary>Creates the key service's transport: mutual TLS that admits the join service only.</summary>
    /// <param name="keyServiceCertificate">The key service's certificate with its private key.</param>
    /// <param name="clusterCa">The cluster CA certificate.</param>
    /// <returns>The transport.</returns>
    public static IServerTransport CreateServerTransport(X509Certificate2 keyServiceCertificate, X509Certificate2 clusterCa) =>
        new MutualTlsServerTransport(keyServiceCertificate, Callers(clusterCa));

    /// <summary>Creates the join service's channels to the key service: its client certificate, the key service's checked.</summary>
    /// <param name="joinServiceCertificate">The join service's client certificate with its private key.</param>
    /// <param name="clusterCa">The cluster CA certificate.</param>
    /// <returns>The channel factory.</returns>
    public static IGrpcChannelFactory CreateClientChannels(X509Certificate2 joinServiceCertificate, X509Certificate2 clusterCa) =>
        new MutualTlsGrpcChannelFactory(joinServiceCertificate, Server(clusterCa));

    private static X500DistinguishedName Subject(string commonName) => new("CN=" + commonName);

    /// <summary>Signs a fresh ECDSA P-256 key with <paramref name="sign"/> and returns the certificate with that key (the VPN API identity and the etcd identities use it too).</summary>
    internal static X509Certificate2 Issue(Func<PublicKey, X509Certificate2> sign)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = sign(new CertificateRequest("CN=unused", key, HashAlgorithmName.SHA256).PublicKey);
        return certificate.CopyWithPrivateKey(key);
    }
}
