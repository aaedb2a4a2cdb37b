using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Keys;

/// <summary>Derives data keys from the cluster's master secret (<c>GetDEK</c>), locally or through the key service.</summary>
/// <remarks>Implementations are safe to call concurrently.</remarks>
public interface IDataKeyProvider
{
    /// <summary>Gets the data key for an id.</summary>
    /// <param name="dataKeyId">The key: the measurement secret, the emergency SSH CA seed or a state disk's key.</param>
    /// <param name="length">The key length in bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key. The caller owns it and should clear it when done.</returns>
    ValueTask<byte[]> GetDataKeyAsync(DataKeyId dataKeyId, int length, CancellationToken cancellationToken = default);
}
