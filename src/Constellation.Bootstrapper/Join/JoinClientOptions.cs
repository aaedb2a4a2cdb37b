using System;
using System.Collections.Generic;
using System.Net;

namespace Constellation.Bootstrapper.Join;

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
}
