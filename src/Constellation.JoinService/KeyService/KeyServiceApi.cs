using System;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Constellation.JoinService.Keys;
using Constellation.JoinService.Protos.Kms;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.JoinService.KeyService;

/// <summary>
/// The key service's gRPC API (<c>/kms.API/GetDataKey</c>): derives <c>DEK("key-" + id, length)</c> from the master secret
/// for the ids of <see cref="DataKeyId"/> only. It logs key ids (a disk by its fingerprint) and lengths, never key material.
/// </summary>
public sealed partial class KeyServiceApi : API.APIBase
{
    private readonly IDataKeyProvider _keys;
    private readonly ILogger<KeyServiceApi> _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="keys">The master-secret derivation.</param>
    /// <param name="logger">The logger.</param>
    public KeyServiceApi(IDataKeyProvider keys, ILogger<KeyServiceApi> logger)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(logger);
        _keys = keys;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<GetDataKeyResponse> GetDataKey(GetDataKeyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(request.DataKeyId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "no data key ID specified"));
        }

        if (request.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "can't derive key with length zero"));
        }

        if (request.Length > 255 * 32)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"key length: expected at most {255 * 32} bytes, got {request.Length}"));
        }

        // Three namespaces only; an id that is none of them is refused, not derived (Constellation derives any id).
        if (!DataKeyId.TryParseWire(request.DataKeyId, out var id))
        {
            throw new RpcException(new Status(
                StatusCode.InvalidArgument,
                $"data_key_id: expected \"measurementSecret\", \"ca_emergency_ssh\" or a canonical state disk UUID, got {request.DataKeyId.Length} characters that are none of them"));
        }

        LogDerivingKey(_logger, id, request.Length);
        var key = await _keys.GetDataKeyAsync(id, (int)request.Length, context.CancellationToken).ConfigureAwait(false);
        try
        {
            return new GetDataKeyResponse { DataKey = ByteString.CopyFrom(key) };
        }
        finally
        {
            // The response holds its own copy; this one is ours to wipe (the ByteString cannot be, gRPC serialises it later).
            CryptographicOperations.ZeroMemory(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "deriving data key {DataKeyId} ({Length} bytes)")]
    private static partial void LogDerivingKey(ILogger logger, DataKeyId dataKeyId, uint length);
}
