using System;
using Constellation.Atls;
using Constellation.Atls.Grpc;
using Grpc.Net.Client;

namespace Constellation.Cluster.Transport;

/// <summary>Creates gRPC channels over attested TLS (CLI → init server: validators; join client → join service: the node's issuer).</summary>
public sealed class AtlsGrpcChannelFactory : IGrpcChannelFactory
{
    private readonly AtlsOptions _options;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">The client side's aTLS configuration.</param>
    public AtlsGrpcChannelFactory(AtlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public GrpcChannel CreateChannel(string endpoint) => AtlsGrpcChannel.Create(endpoint, _options);
}
