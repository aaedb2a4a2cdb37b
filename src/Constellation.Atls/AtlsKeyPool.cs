using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading;

namespace Constellation.Atls;

/// <summary>
/// A bounded pool of pre-generated P-256 keys for aTLS certificates, refilled on the thread pool, so that key
/// generation happens before a handshake instead of during it. Spec §2 still holds: every key is handed out at
/// most once (it is removed from the pool when rented and the renter disposes it), and each certificate is still
/// bound to its own connection's nonce because the document is issued after renting. When the pool is empty the
/// renter generates a key inline, exactly as without a pool.
/// </summary>
/// <remarks>
/// Thread safe. Keys waiting in the pool are private keys held in process memory a little earlier than they
/// would otherwise be; they never leave the process and are disposed with the pool.
/// </remarks>
internal sealed class AtlsKeyPool : IDisposable
{
    private readonly ConcurrentQueue<AtlsKey> _keys = new();
    private int _count;
    private int _filling;
    private volatile bool _disposed;

    /// <summary>Creates an empty pool; call <see cref="Prime"/> (or rent) to start filling it.</summary>
    /// <param name="capacity">How many keys to keep ready; at least 1.</param>
    public AtlsKeyPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>Gets how many keys the pool keeps ready.</summary>
    public int Capacity { get; }

    /// <summary>Gets how many keys are ready now.</summary>
    public int Available => Volatile.Read(ref _count);

    /// <summary>Starts filling the pool in the background if it is not full.</summary>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public void Prime()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ScheduleFill();
    }

    /// <summary>Takes a key out of the pool (or generates one when the pool is empty) and schedules a refill.</summary>
    /// <returns>A key nobody else has received; the caller disposes it.</returns>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public AtlsKey Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        AtlsKey? key = null;
        if (_keys.TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref _count);
            key = pooled;
        }

        ScheduleFill();
        return key ?? AtlsKey.Generate();
    }

    /// <summary>Disposes every key still waiting; later rents fail.</summary>
    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void ScheduleFill()
    {
        if (_disposed || Volatile.Read(ref _count) >= Capacity || Interlocked.CompareExchange(ref _filling, 1, 0) != 0)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static pool => pool.Fill(), this, preferLocal: false);
    }

    private void Fill()
    {
        try
        {
            while (!_disposed && Volatile.Read(ref _count) < Capacity)
            {
                _keys.Enqueue(AtlsKey.Generate());
                Interlocked.Increment(ref _count);
            }
        }
        catch (CryptographicException)
        {
            // Not swallowed in effect: the pool stays short and the next Rent generates inline, where the same
            // failure reaches the caller with its own stack.
            return;
        }
        finally
        {
            Volatile.Write(ref _filling, 0);
            if (_disposed)
            {
                Drain();
            }
        }

        // A rent between the last check and clearing the flag would otherwise leave the pool short until the next rent.
        if (Volatile.Read(ref _count) < Capacity)
        {
            ScheduleFill();
        }
    }

    private void Drain()
    {
        while (_keys.TryDequeue(out var key))
        {
            Interlocked.Decrement(ref _count);
            key.Dispose();
        }
    }
}
