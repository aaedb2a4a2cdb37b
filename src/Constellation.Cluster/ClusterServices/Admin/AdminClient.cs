using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Cluster.Protos.Admin;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// Calls the cluster services' admin API. The channel must be server-attested aTLS with the cluster's current validator
/// and the admin credential as client certificate (<see cref="AdminCredential"/>), so the policy goes only to a node
/// the current policy trusts.
/// </summary>
public static class AdminClient
{
    /// <summary>Replaces the cluster's join policy.</summary>
    /// <param name="channel">The channel to the admin API.</param>
    /// <param name="config">The new policy: the cluster's variant with the new measurements.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was published.</returns>
    /// <exception cref="JoinPolicyRejectedException">The service refused the policy (the message names the field); nothing was published.</exception>
    /// <exception cref="AdminApiException">The call failed: the node is not trusted or unreachable, the credential was refused, or publishing failed.</exception>
    public static async Task<JoinPolicyApplied> SetJoinPolicyAsync(GrpcChannel channel, AttestationConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(config);
        var request = new SetJoinPolicyRequest
        {
            Variant = config.Variant.Name,
            AttestationConfig = ByteString.CopyFrom(AttestationConfigJson.SerializeToUtf8Bytes(config)),
        };
        try
        {
            var response = await new AdminAPI.AdminAPIClient(channel).SetJoinPolicyAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new JoinPolicyApplied(response.Variant, response.Digest.ToByteArray());
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            throw new JoinPolicyRejectedException(ex.Status.Detail, ex) { Status = ex.StatusCode };
        }
        catch (RpcException ex)
        {
            throw new AdminApiException($"admin API: {ex.Status.Detail}", ex) { Status = ex.StatusCode };
        }
    }

    /// <summary>Takes a node out of the cluster's VPN for good (the other nodes drop it at their next poll).</summary>
    /// <param name="channel">The channel to the admin API.</param>
    /// <param name="nodeName">The node.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the node was a VPN peer.</returns>
    /// <exception cref="AdminApiException">The call failed (the node is not trusted or unreachable, the credential was refused, the cluster has no VPN).</exception>
    public static async Task<bool> RemoveNodeAsync(GrpcChannel channel, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        try
        {
            var response = await new AdminAPI.AdminAPIClient(channel).RemoveNodeAsync(new RemoveNodeRequest { NodeName = nodeName }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.WasVpnPeer;
        }
        catch (RpcException ex)
        {
            throw new AdminApiException($"admin API: {ex.Status.Detail}", ex) { Status = ex.StatusCode };
        }
    }
}
