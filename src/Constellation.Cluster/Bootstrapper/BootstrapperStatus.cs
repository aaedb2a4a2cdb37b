using System;
using Constellation.Cluster.Bootstrapper.Node;

namespace Constellation.Cluster.Bootstrapper;

/// <summary>A snapshot of a bootstrapper node's state and endpoints.</summary>
/// <param name="NodeName">The node's name.</param>
/// <param name="Role">The node's role: the activated role once known, else the configured one.</param>
/// <param name="State">Where the node is.</param>
/// <param name="ClusterId">The cluster ID the node was activated with, or <see langword="null"/>.</param>
/// <param name="InitEndpoint">The init server's endpoint (<c>host:port</c>); it listens on fresh nodes only.</param>
/// <param name="VerifyEndpoint">The verification service's gRPC endpoint.</param>
/// <param name="VerifyHttpEndpoint">The verification service's HTTP endpoint.</param>
/// <param name="RecoveryEndpoint">The recovery server's endpoint while it listens, else <see langword="null"/>.</param>
/// <param name="Error">What failed, when <paramref name="State"/> is <see cref="BootstrapperState.Failed"/>.</param>
public sealed record BootstrapperStatus(
    string NodeName,
    NodeRole Role,
    BootstrapperState State,
    ReadOnlyMemory<byte>? ClusterId,
    string InitEndpoint,
    string VerifyEndpoint,
    string VerifyHttpEndpoint,
    string? RecoveryEndpoint,
    string? Error);
