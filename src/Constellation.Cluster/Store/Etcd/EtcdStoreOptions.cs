using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Cluster.Store.Etcd;

/// <summary>How the cluster services reach etcd: the members' client endpoints, tried in turn, over mutual TLS.</summary>
internal sealed class EtcdStoreOptions
{
    /// <summary>The common name every etcd member's certificate has (servers and peers).</summary>
    public const string MemberCommonName = "constellation-etcd-member";

    /// <summary>The common name of the cluster services' etcd client certificate.</summary>
    public const string ClientCommonName = "constellation-etcd-client";

    /// <summary>Gets the client endpoints, <c>IP:port</c>; the first that answers serves a call.</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    /// <summary>Gets the client certificate with its private key (issued by the cluster CA, client authentication).</summary>
    public required X509Certificate2 ClientCertificate { get; init; }

    /// <summary>Gets the cluster CA certificate, the only anchor a member's server certificate may chain to.</summary>
    public required X509Certificate2 ClusterCa { get; init; }

    /// <summary>Gets how long one attempt on one endpoint may take before the next endpoint is tried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets how long a call may keep trying the endpoints (rounds over all of them) before it fails.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
