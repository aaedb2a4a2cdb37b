using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.JoinService.Keys;
using Constellation.JoinService.Protos.Kms;
using Grpc.Core;

namespace Constellation.JoinService.KeyService;

/// <summary>Gets data keys from a remote key service over gRPC (the join service's view of the KMS).</summary>
/// <remarks>Safe to call concurrently; the channel is owned by the caller.</remarks>
public sealed class KeyServiceClient : IDataKeyProvider
{
    private readonly API.APIClient _client;

    /// <summary>Creates a client on a channel to the key service.</summary>
    /// <param name="channel">The channel (plain gRPC, in-cluster).</param>
    public KeyServiceClient(ChannelBase channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _client = new API.APIClient(channel);
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> GetDataKeyAsync(string dataKeyId, int length, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataKeyId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var response = await _client.GetDataKeyAsync(
            new GetDataKeyRequest { DataKeyId = dataKeyId, Length = (uint)length }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.DataKey.Length != length)
        {
            throw new InvalidOperationException($"key service: data key {dataKeyId}: expected {length} bytes, got {response.DataKey.Length}");
        }

        return response.DataKey.ToByteArray();
    }
}
