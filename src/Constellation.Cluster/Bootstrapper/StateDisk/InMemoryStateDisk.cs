using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>
/// The state "disk" of a node without a configured block device or image: a random UUID and the key kept in memory only,
/// so a node still proves it holds the right key on rejoin.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class InMemoryStateDisk : IStateDisk
{
    private readonly Lock _gate = new();
    private byte[]? _key;
    private NodeState? _state;

    /// <summary>Creates a disk with a fresh random UUID.</summary>
    public InMemoryStateDisk()
    {
        Uuid = StateDiskUuid.NewRandom().Value;
    }

    /// <inheritdoc />
    public string Uuid { get; }

    /// <inheritdoc />
    /// <remarks>Memory does not survive a restart: a new instance is never formatted.</remarks>
    public bool IsFormatted
    {
        get
        {
            lock (_gate)
            {
                return _key is not null;
            }
        }
    }

    /// <inheritdoc />
    public Task SetKeyAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_key is null)
            {
                _key = diskKey.ToArray();
                return Task.CompletedTask;
            }

            if (!CryptographicOperations.FixedTimeEquals(_key, diskKey.Span))
            {
                throw new StateDiskException($"state disk {StateDiskUuid.Parse(Uuid).Fingerprint}: the key does not unlock the disk");
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> TestKeyAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_key is not null && CryptographicOperations.FixedTimeEquals(_key, diskKey.Span));
        }
    }

    /// <inheritdoc />
    public Task WriteNodeStateAsync(NodeState state, ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            RequireKey(diskKey.Span);
            _state = state;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<NodeState> ReadNodeStateAsync(ReadOnlyMemory<byte> diskKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            RequireKey(diskKey.Span);
            return Task.FromResult(_state ?? throw new StateDiskException($"state disk {StateDiskUuid.Parse(Uuid).Fingerprint}: expected a node state, got none"));
        }
    }

    private void RequireKey(ReadOnlySpan<byte> diskKey)
    {
        if (_key is null || !CryptographicOperations.FixedTimeEquals(_key, diskKey))
        {
            throw new StateDiskException($"state disk {StateDiskUuid.Parse(Uuid).Fingerprint}: expected the disk key, got {(_key is null ? "a disk without one" : "a key that does not unlock it")}");
        }
    }
}
