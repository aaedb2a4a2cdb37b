using System;
using System.Collections.Generic;
using System.Net;

namespace Constellation.Cluster.ClusterServices;

/// <summary>Settings of the cluster services (<see cref="ClusterServicesHost"/>): the join service and the key service.</summary>
public sealed class ClusterServicesOptions
{
    /// <summary>Gets or sets the directory the cluster's state was created in (<see cref="ClusterServicesState"/>).</summary>
    public string StateDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets the address the join service listens on (the node's address that joining nodes dial).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the join service port (Constellation: NodePort 30090); 0 picks a free port.</summary>
    public int JoinServicePort { get; set; } = 30090;

    /// <summary>
    /// Gets or sets the admin API port (on <see cref="ListenAddress"/>; hosted only when the host is given
    /// <see cref="Admin.AdminServiceOptions"/>); 0 picks a free port.
    /// </summary>
    public int AdminServicePort { get; set; } = 30092;

    /// <summary>Gets or sets the VPN API's port on <see cref="ListenAddress"/> (served when the replica has a VPN peer directory).</summary>
    public int VpnApiPort { get; set; } = 30093;

    /// <summary>
    /// Gets or sets the address the key service listens on: loopback by default (the join service runs beside it), never
    /// <see cref="ListenAddress"/> unless set so explicitly. It hands out every disk key; callers must also hold the join
    /// service's certificate.
    /// </summary>
    public IPAddress KeyServiceListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the key service port; 0 (default) picks a free port (only the join service beside it dials it).</summary>
    public int KeyServicePort { get; set; }

    /// <summary>Gets or sets the cluster's measurement salt (32 bytes), returned to joining nodes.</summary>
    public ReadOnlyMemory<byte> MeasurementSalt { get; set; }

    /// <summary>
    /// Gets the node names the join service admits as control planes (they receive the cluster CA's key); a node asking
    /// to join as a control plane under any other name is refused. Empty by default.
    /// </summary>
    public ISet<string> ControlPlaneNodeNames { get; } = new HashSet<string>(StringComparer.Ordinal);
}
