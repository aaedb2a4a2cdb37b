using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// Where the cluster keeps its VPN peers (the cluster store, or memory for a single process): the VPN API writes a
/// node's public key and endpoint here for the node its caller authenticated as, and answers peer-list polls from it.
/// </summary>
/// <remarks>Implementations are thread-safe and safe to share between replicas of the cluster services (every change is one atomic step of the store).</remarks>
public interface IVpnPeerDirectory
{
    /// <summary>
    /// Records <paramref name="nodeName"/>'s public key and endpoint, allocating its VPN address from
    /// <see cref="VpnAddressPool"/> on its first publish (later publishes keep it). The version grows only if something changed.
    /// </summary>
    /// <param name="nodeName">The node the caller authenticated as.</param>
    /// <param name="publicKey">Its WireGuard public key (Base64 of 32 bytes; checked by the caller).</param>
    /// <param name="endpoint">Its underlay endpoint, <c>IP:port</c> (checked by the caller).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The node's record, with its VPN address.</returns>
    /// <exception cref="ClusterException">The pool has no free address, the public key is another node's, or the store cannot be written.</exception>
    Task<VpnPeer> PublishAsync(string nodeName, string publicKey, string endpoint, CancellationToken cancellationToken = default);

    /// <summary>Reads the current peer list and its version.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The list.</returns>
    /// <exception cref="ClusterException">The store cannot be read.</exception>
    Task<VpnPeerList> GetPeersAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a node from the VPN (it left the cluster); its address may be reused later.</summary>
    /// <param name="nodeName">The node.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> if the node was a peer.</returns>
    /// <exception cref="ClusterException">The store cannot be written.</exception>
    Task<bool> RemoveAsync(string nodeName, CancellationToken cancellationToken = default);
}
