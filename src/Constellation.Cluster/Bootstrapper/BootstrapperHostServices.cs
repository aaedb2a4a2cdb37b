using System;
using Constellation.Attestation;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Bootstrapper;

/// <summary>What a bootstrapper node is composed of. The caller owns each of them and disposes them after the node.</summary>
/// <param name="Issuer">The node's attestation issuer (verification service, aTLS of init, recovery and join clients).</param>
/// <param name="Register">The cluster-ID register the node lock extends.</param>
/// <param name="Disk">The state disk.</param>
/// <param name="Transports">The transports: init and recovery servers use <see cref="NodeTransports.InitServer"/>, join and rejoin clients <see cref="NodeTransports.JoinClient"/>.</param>
/// <param name="JoinEndpoints">Where join services are.</param>
/// <param name="Membership">What init, join and a return after reboot start (Kubernetes and the cluster services).</param>
/// <param name="LoggerFactory">The logger factory.</param>
/// <param name="Time">The clock.</param>
public sealed record BootstrapperHostServices(
    IAttestationIssuer Issuer,
    IClusterIdRegister Register,
    IStateDisk Disk,
    NodeTransports Transports,
    IJoinEndpointSource JoinEndpoints,
    IClusterMembership Membership,
    ILoggerFactory LoggerFactory,
    TimeProvider Time)
{
    /// <summary>Gets a callback for every status change (called in order, never concurrently), or <see langword="null"/>.</summary>
    public Action<BootstrapperStatus>? StatusChanged { get; init; }
}
