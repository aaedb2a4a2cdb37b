using System;
using System.Collections.Generic;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>Settings of the join service that come from the cluster's configuration (<c>join-config</c>).</summary>
public sealed class JoinServiceOptions
{
    /// <summary>Gets or sets the cluster's measurement salt, returned to joining nodes so they can derive the cluster ID.</summary>
    public ReadOnlyMemory<byte> MeasurementSalt { get; set; }

    /// <summary>Gets or sets the lifetime of issued bootstrap tokens (kubeadm's default 15 minutes).</summary>
    public TimeSpan TokenLifetime { get; set; } = BootstrapToken.DefaultLifetime;

    /// <summary>
    /// Gets the node names this join service admits as control planes: only they receive the control-plane files (the
    /// cluster CA's key among them) when they ask with <c>is_control_plane</c>; any other node asking so is refused.
    /// Empty by default: no joining node becomes a control plane unless configured.
    /// </summary>
    public ISet<string> ControlPlaneNodeNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the clock that dates SSH host certificates.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
