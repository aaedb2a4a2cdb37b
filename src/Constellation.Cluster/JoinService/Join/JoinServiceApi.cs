using System;
using System.Threading.Tasks;
using Constellation.Cluster.KeyService;
using Constellation.Cluster.Protos.Join;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// The join service's gRPC API (<c>/join.API/…</c>). It must be served over client-attested aTLS: the transport validates
/// the joining node's attestation before any call reaches this class.
/// </summary>
/// <remarks>
/// Refusals map to <c>InvalidArgument</c> (malformed field) or <c>PermissionDenied</c> (not allowed) with the refusal's
/// message; a key service failure maps to a fixed <c>Unavailable</c> message, its details stay in this service's log.
/// </remarks>
internal sealed partial class JoinServiceApi : API.APIBase
{
    private readonly JoinTicketIssuer _issuer;
    private readonly ILogger<JoinServiceApi> _logger;

    /// <summary>Creates the API.</summary>
    /// <param name="issuer">The ticket issuer.</param>
    /// <param name="logger">The logger.</param>
    public JoinServiceApi(JoinTicketIssuer issuer, ILogger<JoinServiceApi> logger)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(logger);
        _issuer = issuer;
        _logger = logger;
    }

    /// <inheritdoc />
    public override Task<IssueJoinTicketResponse> IssueJoinTicket(IssueJoinTicketRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(() => _issuer.IssueJoinTicketAsync(request, context.CancellationToken));
    }

    /// <inheritdoc />
    public override Task<IssueRejoinTicketResponse> IssueRejoinTicket(IssueRejoinTicketRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(() => _issuer.IssueRejoinTicketAsync(request, context.CancellationToken));
    }

    private async Task<T> RunAsync<T>(Func<Task<T>> issue)
    {
        try
        {
            return await issue().ConfigureAwait(false);
        }
        catch (MalformedJoinRequestException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (JoinRequestRejectedException ex)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, ex.Message));
        }
        catch (KeyServiceException ex)
        {
            LogKeyServiceFailed(_logger, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, "the join service could not obtain the keys for this ticket; retry later"));
        }
        catch (NodeRegistryException ex)
        {
            LogKeyServiceFailed(_logger, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, "the join service could not record this node's binding; retry later"));
        }
        catch (ClusterException ex)
        {
            // The cluster store did not answer (e.g. a majority of etcd members is down): nothing was bound; the node
            // retries, here or at another replica.
            LogKeyServiceFailed(_logger, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, "the join service could not reach the cluster store; retry later"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refusing a ticket: {Error}")]
    private static partial void LogKeyServiceFailed(ILogger logger, string error);
}
