using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Kms;
using Grpc.Core;

namespace Constellation.Cluster.KeyService;

/// <summary>Gets data keys from a remote key service over gRPC (the join service's view of the KMS).</summary>
/// <remarks>
/// Safe to call concurrently; the channel is owned by the caller.
/// </remarks>
public sealed class KeyServiceClient : IDataKeyProvider
{
    private readonly API.APIClient _client;

    /// <summary>Creates a client on a channel to the key service.</summary>
    /// <param name="channel">The channel to the key service.</param>
    public KeyServiceClient(ChannelBase channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _client = new API.APIClient(channel);
    }

    /// <inheritdoc />
    /// <exception cref="KeyServiceException">The key service refused, was unreachable, or returned a key of another length.</exception>
    public async ValueTask<byte[]> GetDataKeyAsync(DataKeyId dataKeyId, int length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataKeyId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        GetDataKeyResponse response;
        try
        {
            response = await _client.GetDataKeyAsync(
                new GetDataKeyRequest { DataKeyId = dataKeyId.WireValue, Length = (uint)length }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KeyServiceException($"key service: {dataKeyId}: {ex.StatusCode}: {ex.Status.Detail}", ex);
        }

        if (response.DataKey.Length != length)
        {
            throw new KeyServiceException($"key service: {dataKeyId}: expected {length} bytes, got {response.DataKey.Length}");
        }

        return response.DataKey.ToByteArray();
    }
}
