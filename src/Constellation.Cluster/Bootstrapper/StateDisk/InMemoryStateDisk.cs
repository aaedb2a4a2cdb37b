using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
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

    /// <summary>Creates a disk with a fresh random UUID.</summary>
    public InMemoryStateDisk()
    {
        Uuid = StateDiskUuid.NewRandom().Value;
    }

    /// <inheritdoc />
    public string Uuid { get; }

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
                throw new StateDiskException($"state disk {Uuid}: the key does not unlock the disk");
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
}
