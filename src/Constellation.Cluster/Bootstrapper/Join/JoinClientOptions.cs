using System;
using System.Collections.Generic;
using System.Net;

namespace Constellation.Cluster.Bootstrapper.Join;

/// <summary>Settings of the join client.</summary>
public sealed class JoinClientOptions
{
    /// <summary>Gets or sets the node's Kubernetes name (CSR CN <c>system:node:&lt;name&gt;</c>).</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Gets or sets whether the node joins as a control-plane node.</summary>
    public bool IsControlPlane { get; set; }

    /// <summary>Gets or sets the node's IP addresses, put into the kubelet CSR as IP SANs.</summary>
    public IReadOnlyList<IPAddress> NodeAddresses { get; set; } = [IPAddress.Loopback];

    /// <summary>Gets or sets the wait between rounds over all endpoints (Constellation: 30 s).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the timeout of one ticket request, dial included (Constellation: 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the timeout of applying a ticket (Constellation: 5 min).</summary>
    public TimeSpan ApplyTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the node's SSH host public key as an OpenSSH public key line (the content of e.g.
    /// <c>ssh_host_ed25519_key.pub</c>), or <see langword="null"/> to ask for no host certificate. When set, the join
    /// service signs a host certificate for it with the cluster's emergency SSH CA, and the client writes it to
    /// <see cref="SshDirectory"/>.
    /// </summary>
    public string? SshHostPublicKey { get; set; }

    /// <summary>
    /// Gets or sets the principals (host names) of the SSH host certificate; empty means the node name and the node's
    /// addresses.
    /// </summary>
    public IReadOnlyList<string> SshHostCertificatePrincipals { get; set; } = [];

    /// <summary>
    /// Gets or sets the directory that receives, after a successful join, the emergency SSH CA's public key
    /// (<c>ssh_ca.pub</c>, an authorized_keys line for sshd's <c>TrustedUserCAKeys</c>) and, when a host key was sent,
    /// the host certificate (<c>ssh_host_cert.pub</c>, for sshd's <c>HostCertificate</c>); <see langword="null"/> to
    /// write nothing. Required when <see cref="SshHostPublicKey"/> is set.
    /// </summary>
    public string? SshDirectory { get; set; }
}
