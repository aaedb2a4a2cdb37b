using System;

namespace Constellation.JoinService.Join;

/// <summary>Settings of the join service that come from the cluster's configuration (<c>join-config</c>).</summary>
public sealed class JoinServiceOptions
{
    /// <summary>Gets or sets the cluster's measurement salt, returned to joining nodes so they can derive the cluster ID.</summary>
    public ReadOnlyMemory<byte> MeasurementSalt { get; set; }

    /// <summary>Gets or sets the lifetime of issued bootstrap tokens (kubeadm's default 15 minutes).</summary>
    public TimeSpan TokenLifetime { get; set; } = BootstrapToken.DefaultLifetime;

    /// <summary>Gets or sets the clock that dates SSH host certificates.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
