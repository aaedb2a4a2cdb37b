using System;
using System.Collections.Generic;
using System.Net;
using Constellation.Attestation;
using Constellation.Cluster.Transport;

namespace Constellation.Cluster.LocalCluster;

/// <summary>Settings of the local one-machine cluster's control plane on a node.</summary>
public sealed class LocalClusterOptions
{
    /// <summary>Gets or sets the node's state directory (master secret, PKI, kubelet files).</summary>
    public string StateDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets this node's Kubernetes name. When this node initialises the cluster, the join service binds the
    /// name to <see cref="StateDiskUuid"/> before it serves anyone, so no joining node can take the init node's identity.
    /// </summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Gets or sets the UUID of this node's state disk (bound to <see cref="NodeName"/> at init).</summary>
    public string StateDiskUuid { get; set; } = string.Empty;

    /// <summary>Gets or sets the address the join service listens on (the node's address that joining nodes dial).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>
    /// Gets or sets the address the key service listens on: loopback (the join service runs beside it), or a
    /// cluster-internal address the join service reaches. It hands out every disk key, so it is never
    /// <see cref="ListenAddress"/> unless set so explicitly; callers must also hold the join service's certificate.
    /// </summary>
    public IPAddress KeyServiceListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the join service port (Constellation: NodePort 30090); 0 picks a free port.</summary>
    public int JoinServicePort { get; set; }

    /// <summary>Gets or sets the key service port (Constellation: 9000 in-cluster); 0 picks a free port.</summary>
    public int KeyServicePort { get; set; }

    /// <summary>
    /// Gets or sets the validator joining nodes' attestation must pass: the join service then serves client-attested
    /// aTLS with it (the default transport). Use the updateable validator of the join policy in a real cluster.
    /// </summary>
    public IAttestationValidator? JoinServiceValidator { get; set; }

    /// <summary>
    /// Gets or sets a transport that replaces the default client-attested aTLS with <see cref="JoinServiceValidator"/>,
    /// or <see langword="null"/> (the default). Plain h2c is never chosen implicitly: it must be asked for by name,
    /// <see cref="PlainHttp2Transport.Instance"/>, and is for the dummy variant in tests only.
    /// </summary>
    public IServerTransport? JoinServiceTransport { get; set; }

    /// <summary>
    /// Gets the node names the join service admits as control planes (they receive the cluster CA's key); a node asking
    /// to join as a control plane under any other name is refused. Empty by default.
    /// </summary>
    public ISet<string> ControlPlaneNodeNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the metadata file the join service's endpoint is appended to, if any.</summary>
    public string? MetadataFile { get; set; }
}
