using Grpc.Net.Client;

namespace Constellation.Cluster.Transport;

/// <summary>Creates gRPC channels to a peer with the transport security the peer requires (plain or attested TLS).</summary>
/// <remarks>Implementations are safe to call concurrently; callers dispose the channels.</remarks>
public interface IGrpcChannelFactory
{
    /// <summary>Creates a channel.</summary>
    /// <param name="endpoint">The peer, <c>host:port</c>.</param>
    /// <returns>The channel.</returns>
    GrpcChannel CreateChannel(string endpoint);
}
