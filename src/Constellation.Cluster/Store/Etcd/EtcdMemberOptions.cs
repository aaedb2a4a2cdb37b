using System;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>One etcd member of the cluster store: its name, directory, addresses and certificate.</summary>
internal sealed class EtcdMemberOptions
{
    /// <summary>Gets the member name (unique in the cluster; the node name).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the member's directory: <c>data/</c> (etcd's data dir) and <c>tls/</c> (certificate, key and CA, mode 0600).</summary>
    public required string Directory { get; init; }

    /// <summary>Gets where the member serves clients.</summary>
    public required IPEndPoint ClientEndpoint { get; init; }

    /// <summary>Gets where the member talks to its peers.</summary>
    public required IPEndPoint PeerEndpoint { get; init; }

    /// <summary>Gets the member certificate with its private key (<see cref="EtcdIdentity.IssueMemberCertificate"/>).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Gets the cluster CA certificate (trust anchor for clients and peers).</summary>
    public required X509Certificate2 ClusterCa { get; init; }

    /// <summary>Gets the etcd executable.</summary>
    public string Executable { get; init; } = "etcd";

    /// <summary>Gets how long a start may take until the member answers a linearizable read.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the client URL (<c>https://IP:port</c>).</summary>
    public string ClientUrl => "https://" + ClientEndpoint;

    /// <summary>Gets the peer URL (<c>https://IP:port</c>).</summary>
    public string PeerUrl => "https://" + PeerEndpoint;
}
