using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cluster.Protos.Verify;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Verification;

/// <summary>
/// What <c>constellation verify</c> does: sends a fresh 32-byte nonce to a node's verification service, validates the
/// document with the cluster's validator and own nonce, and requires the user data <c>VerifyService</c>.
/// </summary>
public static class VerificationClient
{
    /// <summary>Verifies the node behind <paramref name="channel"/> (plain gRPC: the document itself is the proof).</summary>
    /// <param name="channel">The channel to the verification service.</param>
    /// <param name="validator">The cluster's validator (with the cluster ID folded into the measurements if known).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validation result with the node's measurements.</returns>
    /// <exception cref="AttestationException">The document is not trusted, or is bound to other user data.</exception>
    /// <exception cref="RpcException">The node could not be reached.</exception>
    public static async Task<AttestationValidationResult> VerifyAsync(ChannelBase channel, IAttestationValidator validator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(validator);
        var nonce = RandomNumberGenerator.GetBytes(32);
        var response = await new API.APIClient(channel)
            .GetAttestationAsync(new GetAttestationRequest { Nonce = ByteString.CopyFrom(nonce) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = await validator.ValidateAsync(response.Attestation.Memory, nonce, cancellationToken).ConfigureAwait(false);
        if (!result.UserData.Span.SequenceEqual(VerificationService.UserData.Span))
        {
            throw new AttestationBindingException(
                "user data", "\"VerifyService\"", Convert.ToHexStringLower(result.UserData.Span));
        }

        return result;
    }
}
