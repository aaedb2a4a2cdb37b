using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Keys;

/// <summary>Derives data keys in-process from a master secret, as the key service does.</summary>
/// <remarks>Stateless apart from the immutable secret; safe to call concurrently.</remarks>
public sealed class MasterSecretDataKeyProvider : IDataKeyProvider
{
    private readonly MasterSecret _masterSecret;

    /// <summary>Creates a provider.</summary>
    /// <param name="masterSecret">The cluster's master secret.</param>
    public MasterSecretDataKeyProvider(MasterSecret masterSecret)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        _masterSecret = masterSecret;
    }

    /// <inheritdoc />
    public ValueTask<byte[]> GetDataKeyAsync(DataKeyId dataKeyId, int length, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ClusterKeyDerivation.DeriveDataKey(_masterSecret, dataKeyId, length));
    }
}
