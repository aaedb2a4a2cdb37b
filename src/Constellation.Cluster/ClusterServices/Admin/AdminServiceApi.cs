using System;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Cluster.Protos.Admin;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// The admin API: replaces the join policy. Every caller already passed the transport's admin-credential check
/// (<see cref="AdminCredentialPolicy"/>); a policy is checked (<see cref="JoinPolicyCheck"/>) before it is published.
/// </summary>
internal sealed partial class AdminServiceApi(AdminServiceOptions options, ILogger<AdminServiceApi> logger) : AdminAPI.AdminAPIBase
{
    public override async Task<SetJoinPolicyResponse> SetJoinPolicy(SetJoinPolicyRequest request, ServerCallContext context)
    {
        AttestationConfig config;
        try
        {
            config = JoinPolicyCheck.Parse(options.Variant, request.Variant, request.AttestationConfig.Span);
        }
        catch (JoinPolicyRejectedException ex)
        {
            LogRejected(logger, context.Peer, ex.Message);
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }

        var json = AttestationConfigJson.SerializeToUtf8Bytes(config);
        try
        {
            await options.Publisher.PublishAsync(config, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            LogPublishFailed(logger, ex.Message, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, $"join policy: not published: {ex.Message}"));
        }

        var digest = SHA256.HashData(json);
        var digestHex = Convert.ToHexStringLower(digest);
        LogApplied(logger, context.Peer, config.Variant.Name, config.Measurements.Count, digestHex);
        return new SetJoinPolicyResponse { Variant = config.Variant.Name, Digest = ByteString.CopyFrom(digest) };
    }

    public override async Task<RemoveNodeResponse> RemoveNode(RemoveNodeRequest request, ServerCallContext context)
    {
        if (!JoinService.Join.KubernetesNodeName.IsValid(request.NodeName, out var problem))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"node_name: expected {problem}"));
        }

        if (options.VpnPeers is not { } peers)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "node_name: expected a cluster with a VPN, got one without (nothing to remove)"));
        }

        bool removed;
        try
        {
            removed = await peers.RemoveAsync(request.NodeName, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            LogPublishFailed(logger, ex.Message, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, $"VPN peer {request.NodeName}: not removed: {ex.Message}"));
        }

        LogRemoved(logger, context.Peer, request.NodeName, removed);
        return new RemoveNodeResponse { WasVpnPeer = removed };
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "admin {Peer}: node {Node} removed from the VPN (was a peer: {WasPeer})")]
    private static partial void LogRemoved(ILogger logger, string peer, string node, bool wasPeer);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "admin {Peer}: join policy rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "admin: join policy not published: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "admin {Peer}: join policy for {Variant} with {Count} measurements published (sha256:{Digest})")]
    private static partial void LogApplied(ILogger logger, string peer, string variant, int count, string digest);
}
