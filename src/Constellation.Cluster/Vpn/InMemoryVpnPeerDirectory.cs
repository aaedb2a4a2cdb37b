using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// The VPN's peers in memory, for a single cluster-services process (tests, a one-node cluster): versioned, with
/// addresses from a <see cref="VpnAddressPool"/>. The version starts at 1 and grows by one with every change.
/// </summary>
/// <remarks>Thread-safe: every operation is one step under one lock.</remarks>
public sealed class InMemoryVpnPeerDirectory : IVpnPeerDirectory
{
    private readonly VpnAddressPool _pool;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, VpnPeer> _peers = new(StringComparer.Ordinal);
    private long _version = 1;

    /// <summary>Creates an empty directory.</summary>
    /// <param name="pool">Where VPN addresses come from; <see cref="VpnAddressPool.Default"/> if <see langword="null"/>.</param>
    public InMemoryVpnPeerDirectory(VpnAddressPool? pool = null)
    {
        _pool = pool ?? VpnAddressPool.Default;
    }

    /// <inheritdoc />
    public Task<VpnPeer> PublishAsync(string nodeName, string publicKey, string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(publicKey);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var owner = _peers.Values.FirstOrDefault(p => p.PublicKey == publicKey && p.NodeName != nodeName);
            if (owner is not null)
            {
                throw new ClusterException($"VPN peer {nodeName}: expected a public key no other node uses, got the key of node {owner.NodeName}");
            }

            IPAddress address;
            if (_peers.TryGetValue(nodeName, out var existing))
            {
                if (existing.PublicKey == publicKey && existing.Endpoint == endpoint)
                {
                    return Task.FromResult(existing);
                }

                address = existing.VpnAddress;
            }
            else
            {
                address = _pool.Allocate(_peers.Values.Select(p => p.VpnAddress).ToHashSet());
            }

            var peer = new VpnPeer(nodeName, publicKey, endpoint, address);
            _peers[nodeName] = peer;
            _version++;
            return Task.FromResult(peer);
        }
    }

    /// <inheritdoc />
    public Task<VpnPeerList> GetPeersAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(new VpnPeerList(_version, _peers.Values.ToArray()));
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_peers.Remove(nodeName))
            {
                return Task.FromResult(false);
            }

            _version++;
            return Task.FromResult(true);
        }
    }
}
