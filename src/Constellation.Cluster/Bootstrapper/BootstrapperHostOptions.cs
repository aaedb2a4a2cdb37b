using System;
using System.Net;
using Constellation.Cluster.Bootstrapper.Rejoin;

namespace Constellation.Cluster.Bootstrapper;

/// <summary>Settings of a bootstrapper node (<see cref="BootstrapperHost"/>).</summary>
public sealed class BootstrapperHostOptions
{
    /// <summary>Gets or sets the node's Kubernetes name.</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Gets or sets the node's state directory (node state, PKI, the status of what runs).</summary>
    public string StateDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets the address the node's public endpoints listen on (init, verification, recovery).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>
    /// Gets or sets whether the verification API (gRPC and HTTP) listens on every address of the node rather than on
    /// <see cref="ListenAddress"/> only: on a node in the cluster VPN, other nodes verify it over its VPN address. The
    /// API serves attestation documents only (public by design); the other endpoints stay on <see cref="ListenAddress"/>.
    /// </summary>
    public bool VerifyOnAllAddresses { get; set; }

    /// <summary>Gets or sets the init server port (Constellation: 9000); 0 picks a free port.</summary>
    public int InitPort { get; set; } = 9000;

    /// <summary>Gets or sets the verification service's gRPC port (Constellation: NodePort 30081); 0 picks a free port.</summary>
    public int VerifyGrpcPort { get; set; } = 30081;

    /// <summary>Gets or sets the verification service's HTTP port (Constellation: NodePort 30080); 0 picks a free port.</summary>
    public int VerifyHttpPort { get; set; } = 30080;

    /// <summary>Gets or sets the recovery server port (Constellation: 9999); 0 picks a free port.</summary>
    public int RecoveryPort { get; set; } = 9999;

    /// <summary>
    /// Gets or sets whether the node is a control-plane node: its join client asks to join as one (the join service
    /// decides), and after a reboot it serves the recovery API beside the rejoin client. Workers run no recovery server.
    /// </summary>
    public bool ControlPlane { get; set; }

    /// <summary>
    /// Gets or sets whether a fresh node serves the init API (default <see langword="true"/>). Init makes a node the
    /// cluster's first control plane; a node that must never be one (a worker) sets it to <see langword="false"/>.
    /// </summary>
    public bool ServeInit { get; set; } = true;

    /// <summary>Gets or sets the bcrypt hash of the init secret the node was created with.</summary>
    public string InitSecretHash { get; set; } = string.Empty;

    /// <summary>Gets or sets the join client's retry interval (Constellation: 30 s).</summary>
    public TimeSpan JoinRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the rejoin client's settings.</summary>
    public RejoinClientOptions Rejoin { get; } = new();

    /// <summary>Gets or sets the node's SSH host public key (an OpenSSH public key line) to have certified on join, or <see langword="null"/>.</summary>
    public string? SshHostPublicKey { get; set; }
}
