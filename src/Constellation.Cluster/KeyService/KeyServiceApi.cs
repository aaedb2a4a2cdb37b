using System;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Kms;
using Constellation.Cluster.Transport;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.KeyService;

/// <summary>
/// The key service's gRPC API (<c>/kms.API/GetDataKey</c>): derives <c>DEK("key-" + id, length)</c> from the master secret
/// for the ids of <see cref="DataKeyId"/> only, and for the join service only. It logs key ids (a disk by its fingerprint)
/// and lengths, never key material.
/// </summary>
/// <remarks>
/// Serve it with <see cref="KeyServiceIdentity.CreateServerTransport"/> on a cluster-internal address. The transport
/// refuses other clients in the handshake; this class checks the caller's certificate again, so that a key service
/// put behind a plain or one-sided TLS endpoint by mistake refuses every call instead of serving the world.
/// </remarks>
internal sealed partial class KeyServiceApi : API.APIBase
{
    private readonly IDataKeyProvider _keys;
    private readonly ClusterPeerPolicy _callers;
    private readonly ILogger<KeyServiceApi> _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="keys">The master-secret derivation.</param>
    /// <param name="callers">Who may call: <see cref="KeyServiceIdentity.Callers"/>.</param>
    /// <param name="logger">The logger.</param>
    public KeyServiceApi(IDataKeyProvider keys, ClusterPeerPolicy callers, ILogger<KeyServiceApi> logger)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(callers);
        ArgumentNullException.ThrowIfNull(logger);
        _keys = keys;
        _callers = callers;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<GetDataKeyResponse> GetDataKey(GetDataKeyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!_callers.IsTrusted(context.GetHttpContext().Connection.ClientCertificate, out var failure))
        {
            LogCallerRefused(_logger, context.Peer, failure);
            throw new RpcException(new Status(
                StatusCode.Unauthenticated, $"the key service serves the join service only: expected a client certificate for CN={_callers.CommonName} from the cluster CA"));
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a caller at {Peer}: {Failure}")]
    private static partial void LogCallerRefused(ILogger logger, string peer, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "deriving data key {DataKeyId} ({Length} bytes)")]
    private static partial void LogDerivingKey(ILogger logger, DataKeyId dataKeyId, uint length);
}
