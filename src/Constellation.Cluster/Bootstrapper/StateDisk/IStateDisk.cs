using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>
/// The node's encrypted state disk. Its UUID (lower-case, 8-4-4-4-12) names the disk key the cluster derives for it
/// (<c>DEK("key-" + uuid)</c>); the disk key never leaves the node except to cryptsetup.
/// </summary>
/// <remarks>Implementations serialise their operations and are safe to call from several threads.</remarks>
public interface IStateDisk
{
    /// <summary>Gets the lower-case UUID of the disk.</summary>
    string Uuid { get; }

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
}
