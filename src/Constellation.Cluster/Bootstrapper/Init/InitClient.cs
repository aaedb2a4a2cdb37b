using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Protos.Init;
using Google.Protobuf;
using Grpc.Core;

namespace Constellation.Cluster.Bootstrapper.Init;

/// <summary>What a successful init returns.</summary>
/// <param name="Kubeconfig">The admin kubeconfig (a credential).</param>
/// <param name="ClusterId">The 32-byte cluster ID.</param>
public sealed record InitResult(ReadOnlyMemory<byte> Kubeconfig, ReadOnlyMemory<byte> ClusterId)
{
    /// <summary>Returns the cluster ID only; the kubeconfig is never printed.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"cluster {Convert.ToHexStringLower(ClusterId.Span)} (kubeconfig {Kubeconfig.Length} bytes)";
}

/// <summary>The node refused or failed the init; the message is the node's reason.</summary>
public class InitFailedException : ClusterException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public InitFailedException()
        : base("init failed")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The node's reason.</param>
    public InitFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">The node's reason.</param>
    /// <param name="innerException">The gRPC error.</param>
    public InitFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the gRPC status the node answered with, if any.</summary>
    public StatusCode? Status { get; init; }
}

/// <summary>Calls a node's init server (the channel must be server-attested aTLS with the cluster's validator).</summary>
public static class InitClient
{
    /// <summary>Initialises the cluster on the node behind <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel to the node's init server.</param>
    /// <param name="masterSecret">The master secret to send (inside the KMS URI).</param>
    /// <param name="measurementSalt">The 32-byte measurement salt.</param>
    /// <param name="initSecret">The plaintext init secret the node was created with.</param>
    /// <param name="clusterName">The cluster name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The kubeconfig and cluster ID.</returns>
    /// <exception cref="InitFailedException">The node refused or failed.</exception>
    public static async Task<InitResult> InitAsync(
        ChannelBase channel, MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, ReadOnlyMemory<byte> initSecret, string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(masterSecret);
        var request = new InitRequest
        {
            KmsUri = masterSecret.ToKmsUri(),
            StorageUri = InitApi.NoStoreUri,
            MeasurementSalt = ByteString.CopyFrom(measurementSalt.Span),
            InitSecret = ByteString.CopyFrom(initSecret.Span),
            ClusterName = clusterName ?? string.Empty,
        };
        string? failure = null;
        try
        {
            using var call = new API.APIClient(channel).Init(request, cancellationToken: cancellationToken);
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var response = call.ResponseStream.Current;
                switch (response.KindCase)
                {
                    case InitResponse.KindOneofCase.InitSuccess:
                        return new InitResult(response.InitSuccess.Kubeconfig.ToByteArray(), response.InitSuccess.ClusterId.ToByteArray());
                    case InitResponse.KindOneofCase.InitFailure:
                        failure = response.InitFailure.Error;
                        break;
                    default:
                        break;
                }
            }
        }
        catch (RpcException ex)
        {
            throw new InitFailedException(failure ?? ex.Status.Detail, ex) { Status = ex.StatusCode };
        }

        throw new InitFailedException(failure ?? "the node closed the init stream without a result");
    }
}
