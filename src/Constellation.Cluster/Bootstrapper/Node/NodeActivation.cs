using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Kubernetes;
using Constellation.Cluster.Bootstrapper.StateDisk;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.Node;

/// <summary>
/// The steps shared by init and join once the node knows its cluster: take the node lock (extending the cluster ID into
/// the cluster-ID register), set the state disk key, write the node state, then let Kubernetes init or join.
/// </summary>
/// <remarks>Thread-safe: the node lock lets exactly one activation proceed.</remarks>
public sealed class NodeActivation
{
    private readonly NodeLock.NodeLock _lock;
    private readonly IStateDisk _disk;
    private readonly string _stateDirectory;
    private readonly TaskCompletionSource<NodeRole> _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            await _disk.SetKeyAsync(diskKey, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(_stateDirectory);
            await new NodeState(role, measurementSalt).WriteFileAsync(NodeStatePath, cancellationToken).ConfigureAwait(false);
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
