using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Node;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>
/// The node's encrypted state disk. Its UUID (lower-case, 8-4-4-4-12) names the disk key the cluster derives for it
/// (<c>DEK("key-" + uuid)</c>); the disk key never leaves the node except to cryptsetup.
/// </summary>
/// <remarks>Implementations serialise their operations and are safe to call from several threads.</remarks>
public interface IStateDisk
{
    /// <summary>Gets the lower-case UUID of the disk (a credential towards the join service: never log it).</summary>
    string Uuid { get; }

    /// <summary>
    /// Gets whether the disk was set up by an earlier boot (it carries a LUKS2 header): the node then rejoins its
    /// cluster instead of waiting for init or a first join.
    /// </summary>
    bool IsFormatted { get; }

    /// <summary>Sets the disk key: on first use formats the disk as LUKS2 with it; later proves the key unlocks the disk.</summary>
    /// <param name="diskKey">The 32-byte disk key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the disk is usable with the key.</returns>
    /// <exception cref="StateDiskException">Formatting failed or the key does not unlock the disk.</exception>
    Task SetKeyAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default);

    /// <summary>Proves that a key unlocks the disk without mapping it.</summary>
    /// <param name="diskKey">The candidate key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> if the key unlocks the disk.</returns>
    Task<bool> TestKeyAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default);

    /// <summary>Stores the node state on the disk, sealed with the disk key (only a holder of the key reads it back).</summary>
    /// <param name="state">The node state.</param>
    /// <param name="diskKey">The disk key; it must unlock the disk.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    /// <exception cref="StateDiskException">The disk is not set up with this key, or storing failed.</exception>
    Task WriteNodeStateAsync(NodeState state, ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default);

    /// <summary>Reads the node state an earlier boot stored, and checks its seal with the disk key.</summary>
    /// <param name="diskKey">The disk key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The node state.</returns>
    /// <exception cref="StateDiskException">There is no node state, or it does not open with this key.</exception>
    Task<NodeState> ReadNodeStateAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default);
}
