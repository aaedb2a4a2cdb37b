using System;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cluster.Protos.Verify;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Verification;

/// <summary>The verification service's gRPC API (<c>/verify.API/GetAttestation</c>), plain gRPC: the document itself is the proof.</summary>
internal sealed class VerificationServiceApi : API.APIBase
{
    private readonly VerificationService _service;

    /// <summary>Creates the API.</summary>
    /// <param name="service">The verification service.</param>
    public VerificationServiceApi(VerificationService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <inheritdoc />
    public override async Task<GetAttestationResponse> GetAttestation(GetAttestationRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Nonce.IsEmpty)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "nonce is required to issue attestation"));
        }

        try
        {
            var document = await _service.GetAttestationAsync(request.Nonce.Memory, context.CancellationToken).ConfigureAwait(false);
            return new GetAttestationResponse { Attestation = ByteString.CopyFrom(document) };
        }
        catch (AttestationException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"issuing attestation: {ex.Message}"));
        }
    }
}
