using System;
using System.Net.Http;
using Grpc.Net.Client;

namespace Constellation.Cluster.Transport;

/// <summary>Creates plain (h2c, unauthenticated) gRPC channels, as used for the key and verification services.</summary>
public sealed class PlainGrpcChannelFactory : IGrpcChannelFactory
{
    /// <summary>Gets the shared instance.</summary>
    public static PlainGrpcChannelFactory Instance { get; } = new();

    /// <inheritdoc />
    public GrpcChannel CreateChannel(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return GrpcChannel.ForAddress(new Uri("http://" + endpoint), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            DisposeHttpClient = true,
        });
    }
}
