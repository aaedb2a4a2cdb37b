using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Store;

/// <summary>
/// The master secret on the cluster store (<see cref="StoreKeys.MasterSecret"/>), as Constellation keeps it in the
/// <c>constellation-mastersecret</c> Kubernetes secret: written once by the node that initialised the cluster, read by
/// every control plane that starts a key service. Only clients with an etcd-CA certificate reach it; that CA goes to
/// control planes only (workers never hold it).
/// </summary>
internal static class StoreMasterSecret
{
    /// <summary>Writes the secret unless one is there; an existing one must be the same secret.</summary>
    /// <exception cref="ClusterException">Another master secret is stored, or the store cannot be written.</exception>
    public static async Task PutAsync(IClusterStore store, MasterSecret secret, CancellationToken cancellationToken)
    {
        var json = secret.ToJsonBytes();
        if (await store.CommitAsync([StoreCondition.Absent(StoreKeys.MasterSecret)], [StoreOperation.Put(StoreKeys.MasterSecret, json)], cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var stored = await ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(stored.ToJsonBytes(), json))
        {
            throw new ClusterException($"{StoreKeys.MasterSecret} on {store.Description}: expected this cluster's master secret or none, got another cluster's");
        }
    }

    /// <summary>Reads the secret.</summary>
    /// <exception cref="ClusterException">None is stored, it does not parse, or the store cannot be read.</exception>
    public static async Task<MasterSecret> ReadAsync(IClusterStore store, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StoreKeys.MasterSecret, cancellationToken).ConfigureAwait(false)
            ?? throw new ClusterException($"{StoreKeys.MasterSecret} on {store.Description}: expected the master secret written at init, got nothing");
        try
        {
            return MasterSecret.ParseJson(entry.Value);
        }
        catch (System.FormatException ex)
        {
            throw new ClusterException($"{StoreKeys.MasterSecret} on {store.Description}: expected the master secret JSON, got a value that does not parse ({ex.Message})", ex);
        }
    }

    /// <summary>Writes the measurement salt unless one is there; an existing one must be the same.</summary>
    /// <exception cref="ClusterException">Another salt is stored, or the store cannot be written.</exception>
    public static async Task PutSaltAsync(IClusterStore store, System.ReadOnlyMemory<byte> salt, CancellationToken cancellationToken)
    {
        var bytes = salt.ToArray();
        if (!await store.CommitAsync([StoreCondition.Absent(StoreKeys.MeasurementSalt)], [StoreOperation.Put(StoreKeys.MeasurementSalt, bytes)], cancellationToken).ConfigureAwait(false)
            && !(await ReadSaltAsync(store, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(bytes))
        {
            throw new ClusterException($"{StoreKeys.MeasurementSalt} on {store.Description}: expected this cluster's measurement salt or none, got another");
        }
    }

    /// <summary>Reads the measurement salt.</summary>
    /// <exception cref="ClusterException">None is stored, it is not 32 bytes, or the store cannot be read.</exception>
    public static async Task<byte[]> ReadSaltAsync(IClusterStore store, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StoreKeys.MeasurementSalt, cancellationToken).ConfigureAwait(false)
            ?? throw new ClusterException($"{StoreKeys.MeasurementSalt} on {store.Description}: expected the measurement salt written at init, got nothing");
        return entry.Value.Length == 32
            ? entry.Value
            : throw new ClusterException($"{StoreKeys.MeasurementSalt} on {store.Description}: expected 32 bytes, got {entry.Value.Length}");
    }
}
