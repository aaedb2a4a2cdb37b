using System.Threading;
using System.Threading.Tasks;

namespace Constellation.JoinService.Keys;

/// <summary>Derives data keys from the cluster's master secret (<c>GetDEK</c>), locally or through the key service.</summary>
/// <remarks>Implementations are safe to call concurrently.</remarks>
public interface IDataKeyProvider
{
    /// <summary>Gets the data key for an id.</summary>
    /// <param name="dataKeyId">The id without the <c>key-</c> prefix, e.g. <c>measurementSecret</c> or a disk UUID.</param>
    /// <param name="length">The key length in bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key. The caller owns it and should clear it when done.</returns>
    ValueTask<byte[]> GetDataKeyAsync(string dataKeyId, int length, CancellationToken cancellationToken = default);
}
