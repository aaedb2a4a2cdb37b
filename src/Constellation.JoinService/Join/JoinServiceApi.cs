using System;
using System.Threading.Tasks;
using Constellation.JoinService.Protos.Join;
using Grpc.Core;

namespace Constellation.JoinService.Join;

/// <summary>
/// The join service's gRPC API (<c>/join.API/…</c>). It must be served over client-attested aTLS: the transport validates
/// the joining node's attestation before any call reaches this class.
/// </summary>
public sealed class JoinServiceApi : API.APIBase
{
    private readonly JoinTicketIssuer _issuer;

    /// <summary>Creates the API.</summary>
    /// <param name="issuer">The ticket issuer.</param>
    public JoinServiceApi(JoinTicketIssuer issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        _issuer = issuer;
    }

    /// <inheritdoc />
    public override async Task<IssueJoinTicketResponse> IssueJoinTicket(IssueJoinTicketRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await _issuer.IssueJoinTicketAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (JoinRequestRejectedException ex)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, ex.Message));
        }
    }

    /// <inheritdoc />
    public override async Task<IssueRejoinTicketResponse> IssueRejoinTicket(IssueRejoinTicketRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await _issuer.IssueRejoinTicketAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (JoinRequestRejectedException ex)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, ex.Message));
        }
    }
}
