using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using System.Linq;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.Node;

/// <summary>
/// The steps shared by init and join once the node knows its cluster: take the node lock (extending the cluster ID into
/// the cluster-ID register), set the state disk key, write the node state (on the disk, sealed with the disk key, and
/// as <c>node_state.json</c> in the state directory), then let Kubernetes init or join. A node that was activated on an
/// earlier boot returns with <see cref="TryReactivateAsync"/> (rejoin or recovery).
/// </summary>
/// <remarks>Thread-safe: the node lock lets exactly one activation proceed.</remarks>
public sealed class NodeActivation
{
    private readonly NodeLock.NodeLock _lock;
    private readonly IStateDisk _disk;
    private readonly string _stateDirectory;
    private readonly TaskCompletionSource<NodeRole> _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _clusterId;
    private NodeState? _state;

    /// <summary>Creates the activation.</summary>
    /// <param name="nodeLock">The node lock.</param>
    /// <param name="disk">The state disk.</param>
    /// <param name="stateDirectory">Where the node state file is written.</param>
    public NodeActivation(NodeLock.NodeLock nodeLock, IStateDisk disk, string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(nodeLock);
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        _lock = nodeLock;
        _disk = disk;
        _stateDirectory = stateDirectory;
    }

    /// <summary>Gets the node lock.</summary>
    public NodeLock.NodeLock Lock => _lock;

    /// <summary>Gets the state disk.</summary>
    public IStateDisk Disk => _disk;

    /// <summary>Gets a task that completes with the node's role once init or join has finished, or faults if activation failed.</summary>
    public Task<NodeRole> Activated => _activated.Task;

    /// <summary>Gets the cluster ID the node was activated with (a copy), or <see langword="null"/> before activation.</summary>
    public byte[]? ClusterId => Volatile.Read(ref _clusterId)?.ToArray();

    /// <summary>Gets the node state (role and measurement salt) the node was activated with, or <see langword="null"/> before activation.</summary>
    public NodeState? State => Volatile.Read(ref _state);

    /// <summary>Gets the path of the node state file.</summary>
    public string NodeStatePath => Path.Combine(_stateDirectory, "node_state.json");

    /// <summary>Activates the node for a cluster.</summary>
    /// <param name="role">The role the node takes.</param>
    /// <param name="clusterId">The cluster ID to extend into the register.</param>
    /// <param name="diskKey">The state disk key.</param>
    /// <param name="measurementSalt">The cluster's measurement salt.</param>
    /// <param name="kubernetes">Init or join, run after the node is locked and the disk is set.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> if another activation already holds the node lock (nothing was changed).</returns>
    public async Task<bool> TryActivateAsync(
        NodeRole role, ReadOnlyMemory<byte> clusterId, ReadOnlyMemory<byte> diskKey, ReadOnlyMemory<byte> measurementSalt, Func<CancellationToken, Task> kubernetes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubernetes);
        if (!await _lock.TryLockAsync(clusterId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            Volatile.Write(ref _clusterId, clusterId.ToArray());
            await _disk.SetKeyAsync(diskKey, cancellationToken).ConfigureAwait(false);
            var state = new NodeState(role, measurementSalt.ToArray());
            Volatile.Write(ref _state, state);
            await _disk.WriteNodeStateAsync(state, diskKey, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(_stateDirectory);
            await state.WriteFileAsync(NodeStatePath, cancellationToken).ConfigureAwait(false);
            await kubernetes(cancellationToken).ConfigureAwait(false);
            _activated.TrySetResult(role);
            return true;
        }
        catch (Exception ex)
        {
            // The node stays locked: a half-activated node must never be activated for another cluster.
            _activated.TrySetException(ex);
            throw;
        }
    }

    /// <summary>
    /// Returns a node that was activated on an earlier boot to its cluster, with a disk key from a rejoin ticket or
    /// from recovery: the key must unlock the state disk <em>before</em> anything changes (a wrong key leaves the node
    /// unlocked, so a correct one can still follow); then the node state is read from the disk (sealed with that key),
    /// the cluster ID derived from the measurement secret and the stored measurement salt, the node lock taken
    /// (extending the cluster ID), the disk opened with the key and <c>node_state.json</c> written.
    /// </summary>
    /// <param name="diskKey">The candidate disk key (32 bytes).</param>
    /// <param name="measurementSecret">The cluster's measurement secret (32 bytes).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened; only <see cref="ReactivationOutcome.Reactivated"/> changed the node.</returns>
    /// <exception cref="StateDiskException">The key unlocks the disk but the stored node state is missing or does not open, or the disk cannot be opened.</exception>
    public async Task<ReactivationOutcome> TryReactivateAsync(ReadOnlyMemory<byte> diskKey, ReadOnlyMemory<byte> measurementSecret, CancellationToken cancellationToken)
    {
        if (measurementSecret.Length != ClusterKeyDerivation.KeyLength)
        {
            throw new ArgumentException($"measurement secret: expected {ClusterKeyDerivation.KeyLength} bytes, got {measurementSecret.Length}", nameof(measurementSecret));
        }

        // No gate of its own: rejoin and recovery may both get here; the node lock lets exactly one of them through.
        {
            if (_lock.IsLocked)
            {
                return ReactivationOutcome.AlreadyActivated;
            }

            if (diskKey.Length != ClusterKeyDerivation.KeyLength || !_disk.IsFormatted || !await _disk.TestKeyAsync(diskKey, cancellationToken).ConfigureAwait(false))
            {
                return ReactivationOutcome.KeyRefused;
            }

            var state = await _disk.ReadNodeStateAsync(diskKey, cancellationToken).ConfigureAwait(false);
            var clusterId = ClusterKeyDerivation.DeriveClusterId(measurementSecret.Span, state.MeasurementSalt.Span);
            if (!await _lock.TryLockAsync(clusterId, cancellationToken).ConfigureAwait(false))
            {
                return ReactivationOutcome.AlreadyActivated;
            }

            try
            {
                Volatile.Write(ref _clusterId, clusterId);
                Volatile.Write(ref _state, state);
                await _disk.SetKeyAsync(diskKey, cancellationToken).ConfigureAwait(false);
                Directory.CreateDirectory(_stateDirectory);
                await state.WriteFileAsync(NodeStatePath, cancellationToken).ConfigureAwait(false);
                _activated.TrySetResult(state.Role);
                return ReactivationOutcome.Reactivated;
            }
            catch (Exception ex)
            {
                // Locked for this cluster but not usable: it must never be activated for another one this boot.
                _activated.TrySetException(ex);
                throw;
            }
        }
    }

    /// <summary>Derives the disk key the init server uses for this node's disk: <c>DEK("key-" + lower(uuid), 32)</c>.</summary>
    /// <param name="masterSecret">The master secret.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The disk's UUID is not a canonical UUID.</exception>
    public byte[] DeriveOwnDiskKey(MasterSecret masterSecret) =>
        ClusterKeyDerivation.DeriveDataKey(masterSecret, DataKeyId.StateDisk(StateDiskUuid.Parse(_disk.Uuid)), ClusterKeyDerivation.KeyLength);

    /// <summary>Clears a key buffer.</summary>
    /// <param name="key">The buffer.</param>
    internal static void Clear(byte[] key) => CryptographicOperations.ZeroMemory(key);
}

/// <summary>What <see cref="NodeActivation.TryReactivateAsync"/> did.</summary>
public enum ReactivationOutcome
{
    /// <summary>The key unlocked the disk; the node is back in its cluster.</summary>
    Reactivated,

    /// <summary>The key does not unlock the state disk (or the disk was never set up); nothing changed.</summary>
    KeyRefused,

    /// <summary>The node was already activated this boot (by another rejoin, recovery, init or join); nothing changed.</summary>
    AlreadyActivated,
}
