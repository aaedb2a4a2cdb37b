using System;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>A certificate or key file a joining control-plane node needs (e.g. <c>ca.crt</c>, <c>ca.key</c>), by path relative to the PKI directory.</summary>
/// <param name="Name">The file name relative to the Kubernetes PKI directory.</param>
/// <param name="Data">The file content; private keys are secrets and must never be logged.</param>
public sealed record ControlPlaneFile(string Name, ReadOnlyMemory<byte> Data)
{
    /// <summary>Returns the name and length only; the content is never printed.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"{Name} ({Data.Length} bytes)";
}
