using System;
using System.Collections.Generic;
using System.Net;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.StateDisk;

namespace Constellation.Cluster.LocalCluster;

/// <summary>Settings of one bootstrapper node.</summary>
public sealed class BootstrapperNodeOptions
{
    /// <summary>Gets or sets the node's Kubernetes name.</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Gets or sets the node's state directory (node state, PKI, master secret on control planes).</summary>
    public string StateDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets the address the node's endpoints listen on (init, verification and join service; not the key service).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the init server port (Constellation: 9000); 0 picks a free port.</summary>
    public int InitPort { get; set; }

    /// <summary>Gets or sets the verification service's gRPC port (Constellation: 30081); 0 picks a free port.</summary>
    public int VerifyGrpcPort { get; set; }

    /// <summary>Gets or sets the verification service's HTTP port (Constellation: 30080); 0 picks a free port.</summary>
    public int VerifyHttpPort { get; set; }

    /// <summary>Gets or sets the join service port once this node runs the control plane (Constellation: 30090); 0 picks a free port.</summary>
    public int JoinServicePort { get; set; }

    /// <summary>Gets or sets the key service port once this node runs the control plane; 0 picks a free port.</summary>
    public int KeyServicePort { get; set; }

    /// <summary>
    /// Gets or sets the address the key service listens on once this node runs the control plane: loopback by default,
    /// not <see cref="ListenAddress"/> (the key service hands out every disk key and serves the join service only).
    /// </summary>
    public IPAddress KeyServiceListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the bcrypt hash of the init secret the node was created with.</summary>
    public string InitSecretHash { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets whether the join client asks to join as a control-plane node. The join service decides: it admits
    /// only the names in its <see cref="ControlPlaneNodeNames"/>.
    /// </summary>
    public bool JoinAsControlPlane { get; set; }

    /// <summary>
    /// Gets the node names this node's join service admits as control planes once this node runs the control plane;
    /// any other node asking to join as a control plane is refused. Empty by default.
    /// </summary>
    public ISet<string> ControlPlaneNodeNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the join client's retry interval.</summary>
    public TimeSpan JoinRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the local cluster's metadata file (join endpoints), if any.</summary>
    public string? MetadataFile { get; set; }

    /// <summary>Gets or sets the LUKS2 state disk; <see langword="null"/> keeps the disk key in memory only.</summary>
    public LuksStateDiskOptions? StateDisk { get; set; }

    /// <summary>
    /// Gets or sets the node's SSH host public key (an OpenSSH public key line) to have it certified by the cluster's
    /// emergency SSH CA when the node joins, or <see langword="null"/>. The certificate and the CA's public key are
    /// written to <c>ssh/</c> under <see cref="StateDirectory"/>.
    /// </summary>
    public string? SshHostPublicKey { get; set; }
}
