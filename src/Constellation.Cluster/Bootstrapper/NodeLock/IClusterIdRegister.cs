using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.NodeLock;

/// <summary>
/// The measurement register that records which cluster a node belongs to (vTPM PCR 15, TDX RTMR2): extended once
/// with the cluster ID, it makes the node's attestation show it is bootstrapped, so it cannot be initialised or join again.
/// </summary>
/// <remarks>Implementations are safe to call concurrently.</remarks>
public interface IClusterIdRegister
{
    /// <summary>Gets the register index as the variant's measurements name it (the variant's <c>AttestationVariant.ClusterIdRegister</c>).</summary>
    uint Index { get; }

    /// <summary>Reads whether the register is no longer all-zero (the node was already bootstrapped this boot).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> if the register has been extended.</returns>
    ValueTask<bool> IsExtendedAsync(CancellationToken cancellationToken = default);

    /// <summary>Extends the register with the cluster ID as event data (<c>TPM2_PCR_Event</c> semantics).</summary>
    /// <param name="clusterId">The 32-byte cluster ID.</param>
    /// <param name="cancellationToken">Cancels the extend.</param>
    /// <returns>A task that completes when the register is extended.</returns>
    ValueTask ExtendAsync(ReadOnlyMemory<byte> clusterId, CancellationToken cancellationToken = default);
}
