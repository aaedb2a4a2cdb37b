using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.NodeLock;

/// <summary>
/// The one-way node lock: the first of the init server and the join client to call <see cref="TryLockAsync"/> wins and
/// extends the cluster ID into the cluster-ID register; every later attempt reports "not acquired". There is no unlock.
/// </summary>
/// <remarks>
/// Thread-safe. The lock state flips before the register is extended, so a failed extend still leaves the node locked
/// (and surfaces the error): a half-activated node must never be activated again.
/// </remarks>
public sealed class NodeLock
{
    private readonly IClusterIdRegister _register;
    private int _locked;

    /// <summary>Creates the lock over a register.</summary>
    /// <param name="register">The cluster-ID register.</param>
    public NodeLock(IClusterIdRegister register)
    {
        ArgumentNullException.ThrowIfNull(register);
        _register = register;
    }

    /// <summary>Gets whether the lock has been taken.</summary>
    public bool IsLocked => Volatile.Read(ref _locked) != 0;

    /// <summary>Gets the register the lock extends.</summary>
    public IClusterIdRegister Register => _register;

    /// <summary>Takes the lock if nobody has, and extends the cluster ID into the register.</summary>
    /// <param name="clusterId">The cluster ID (32 bytes).</param>
    /// <param name="cancellationToken">Cancels the extend (the lock stays taken).</param>
    /// <returns><see langword="true"/> if this call took the lock; <see langword="false"/> if it was already taken.</returns>
    public async ValueTask<bool> TryLockAsync(ReadOnlyMemory<byte> clusterId, CancellationToken cancellationToken = default)
    {
        if (clusterId.Length != 32)
        {
            throw new ArgumentException($"cluster ID: expected 32 bytes, got {clusterId.Length}", nameof(clusterId));
        }

        if (Interlocked.CompareExchange(ref _locked, 1, 0) != 0)
        {
            return false;
        }

        await _register.ExtendAsync(clusterId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Takes the lock without extending, because the register already shows the node was bootstrapped (checked at start).
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> if the register was already extended and the lock is now taken.</returns>
    public async ValueTask<bool> LockIfAlreadyBootstrappedAsync(CancellationToken cancellationToken = default)
    {
        if (!await _register.IsExtendedAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Interlocked.Exchange(ref _locked, 1);
        return true;
    }
}
