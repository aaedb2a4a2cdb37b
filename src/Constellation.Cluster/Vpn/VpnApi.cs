using System;
using System.Threading.Tasks;
using Constellation.Cluster.Protos.Vpn;
using Constellation.Cluster.Transport;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// The VPN API (<c>/vpnapi.API/Publish</c>, <c>/vpnapi.API/GetUpdate</c>) over an <see cref="IVpnPeerDirectory"/>: a
/// node publishes its own public key and endpoint (its name comes from its kubelet certificate) and polls the peer list
/// with the version it knows.
/// </summary>
/// <remarks>
/// Serve it with <see cref="VpnApiIdentity.CreateServerTransport"/>. The transport refuses other clients in the
/// handshake; this class checks the caller's certificate again, so an endpoint put behind plain TLS by mistake refuses
/// every call. Thread-safe.
/// </remarks>
internal sealed partial class VpnApi : API.APIBase
{
    private readonly IVpnPeerDirectory _directory;
    private readonly ClusterPeerPolicy _nodes;
    private readonly ILogger<VpnApi> _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="directory">Where the peers are kept.</param>
    /// <param name="nodes">Who may call: <see cref="ClusterPeerPolicy.Nodes"/> of the cluster CA.</param>
    /// <param name="logger">The logger.</param>
    public VpnApi(IVpnPeerDirectory directory, ClusterPeerPolicy nodes, ILogger<VpnApi> logger)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = directory;
        _nodes = nodes;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var node = Authenticate(context);
        if (request.NodeName.Length > 0 && request.NodeName != node)
        {
            LogRefused(_logger, node, "node_name of another node");
            throw new RpcException(new Status(
                StatusCode.PermissionDenied, $"node_name: a node publishes only itself: expected \"{node}\" (the name in its certificate) or empty, got \"{request.NodeName}\""));
        }

        if (!WireGuardKeyPair.IsKeyText(request.VpnPubKey))
        {
            throw new RpcException(new Status(
                StatusCode.InvalidArgument, $"vpn_pub_key: expected Base64 of {WireGuardKeyPair.KeyLength} bytes (44 characters), got {request.VpnPubKey.Length} characters that are not"));
        }

        if (!VpnEndpoint.IsValid(request.PublicEndpoint, out var problem))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"public_endpoint: expected IPv4:port, got \"{request.PublicEndpoint}\" ({problem})"));
        }

        VpnPeer peer;
        try
        {
            peer = await _directory.PublishAsync(node, request.VpnPubKey, request.PublicEndpoint, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            LogRefused(_logger, node, ex.Message);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"publish of node {node} refused: {ex.Message}"));
        }

        var list = await _directory.GetPeersAsync(context.CancellationToken).ConfigureAwait(false);
        LogPublished(_logger, node, peer.PublicKey, peer.Endpoint, peer.VpnAddress);
        return new PublishResponse { VpnIp = peer.VpnAddress.ToString(), ResourceVersion = list.Version };
    }

    /// <inheritdoc />
    public override async Task<GetUpdateResponse> GetUpdate(GetUpdateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Authenticate(context);
        VpnPeerList list;
        try
        {
            list = await _directory.GetPeersAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"peer list: {ex.Message}"));
        }

        var response = new GetUpdateResponse { ResourceVersion = list.Version, Changed = list.Version != request.ResourceVersion };
        if (response.Changed)
        {
            foreach (var peer in list.Peers)
            {
                response.Peers.Add(new Peer { NodeName = peer.NodeName, VpnPubKey = peer.PublicKey, PublicEndpoint = peer.Endpoint, VpnIp = peer.VpnAddress.ToString() });
            }
        }

        return response;
    }

    private string Authenticate(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        if (!_nodes.IsTrusted(certificate, out var failure) || !NodeCertificateSubject.TryGetNodeName(certificate!, out var node, out failure))
        {
            LogCallerRefused(_logger, context.Peer, failure);
            throw new RpcException(new Status(
                StatusCode.Unauthenticated, $"the VPN API serves the cluster's nodes only: expected a kubelet client certificate (CN=system:node:<name>, O=system:nodes) from the cluster CA ({failure})"));
        }

        return node;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a VPN API caller at {Peer}: {Failure}")]
    private static partial void LogCallerRefused(ILogger logger, string peer, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused a VPN publish of node {Node}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node} published VPN public key {PublicKey} at {Endpoint}; VPN address {Address}")]
    private static partial void LogPublished(ILogger logger, string node, string publicKey, string endpoint, System.Net.IPAddress address);
}
