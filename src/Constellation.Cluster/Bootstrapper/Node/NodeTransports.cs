using System;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Cluster.Transport;

namespace Constellation.Cluster.Bootstrapper.Node;

/// <summary>
/// The transports of a node's endpoints. In a real cluster the init server is server-attested aTLS (the node's issuer),
/// the join service client-attested aTLS (the cluster's validator) and the join client presents the node's attestation.
/// </summary>
/// <param name="InitServer">The init server's transport.</param>
/// <param name="JoinService">The join service's transport (control-plane nodes).</param>
/// <param name="JoinClient">The join client's channels.</param>
public sealed record NodeTransports(IServerTransport InitServer, IServerTransport JoinService, IGrpcChannelFactory JoinClient)
{
    /// <summary>
    /// Plain h2c everywhere: no attestation on the wire at all. Only for the <c>dummy</c> variant on loopback, where there
    /// is nothing to attest anyway.
    /// </summary>
    public static NodeTransports Plain { get; } = new(PlainHttp2Transport.Instance, PlainHttp2Transport.Instance, PlainGrpcChannelFactory.Instance);

    /// <summary>
    /// Constellation's transports: the init server attests itself with the node's issuer, the join service requires
    /// joining nodes to attest (validated by <paramref name="joinValidator"/>), and the join client presents the node's
    /// attestation without verifying the join service (as Constellation's join client does).
    /// </summary>
    /// <param name="issuer">The node's issuer.</param>
    /// <param name="joinValidator">The validator the join service applies to joining nodes (the updateable validator).</param>
    /// <returns>The transports.</returns>
    public static NodeTransports Attested(IAttestationIssuer issuer, IAttestationValidator joinValidator)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(joinValidator);
        return new NodeTransports(
            new AtlsServerTransport(new AtlsOptions { Issuer = issuer }),
            new AtlsServerTransport(new AtlsOptions { Validators = [joinValidator] }),
            new AtlsGrpcChannelFactory(new AtlsOptions { Issuer = issuer, AllowUnverifiedPeer = true }));
    }

    /// <summary>Gets a one-line description for logs and summaries.</summary>
    public string Description => string.Equals(InitServer.Description, JoinService.Description, StringComparison.Ordinal)
        ? InitServer.Description
        : $"init: {InitServer.Description}; join: {JoinService.Description}";
}
