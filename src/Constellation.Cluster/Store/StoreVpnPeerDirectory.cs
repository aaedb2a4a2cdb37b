using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Vpn;

namespace Constellation.Cluster.Store;

/// <summary>
/// The VPN peers on the cluster store: each peer under <c>/constellation/vpn/peers/&lt;node&gt;</c>, its address under
/// <c>…/vpn/address/&lt;ip&gt;</c> and its public key under <c>…/vpn/key/&lt;key&gt;</c> (both pointing back to the node,
/// so an address or a key belongs to one node), and the list version under <c>…/vpn/version</c>. Every change is one
/// transaction that also bumps the version and holds only if nothing it read changed; a lost race is re-read and retried.
/// </summary>
/// <remarks>Thread-safe and safe to share between replicas. Reads of the list are one range read, so peers and version are of one revision.</remarks>
internal sealed class StoreVpnPeerDirectory(IClusterStore store, VpnAddressPool? pool = null) : IVpnPeerDirectory
{
    private const string VpnRoot = StoreKeys.Root + "vpn/";
    private const int MaxRounds = 32;
    private readonly VpnAddressPool _pool = pool ?? VpnAddressPool.Default;

    /// <inheritdoc />
    public async Task<VpnPeer> PublishAsync(string nodeName, string publicKey, string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(publicKey);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        for (var round = 0; round < MaxRounds; round++)
        {
            var state = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (state.KeyOwners.TryGetValue(publicKey, out var keyOwner) && keyOwner.Owner != nodeName)
            {
                throw new ClusterException($"VPN peer {nodeName}: public key: expected a key no other node uses, got the key of another node");
            }

            state.Peers.TryGetValue(nodeName, out var existing);
            if (existing is not null && existing.Peer.PublicKey == publicKey && existing.Peer.Endpoint == endpoint)
            {
                return existing.Peer;
            }

            var address = existing?.Peer.VpnAddress ?? _pool.Allocate(state.Peers.Values.Select(p => p.Peer.VpnAddress).ToHashSet());
            var peer = new VpnPeer(nodeName, publicKey, endpoint, address);
            var conditions = new List<StoreCondition> { VersionCondition(state), existing is null ? StoreCondition.Absent(PeerKey(nodeName)) : StoreCondition.Unchanged(existing.Entry) };
            var operations = new List<StoreOperation> { StoreOperation.Put(PeerKey(nodeName), Serialize(peer)), NextVersion(state) };
            if (existing is null)
            {
                conditions.Add(StoreCondition.Absent(StoreKeys.VpnAddresses + address));
                operations.Add(StoreOperation.Put(StoreKeys.VpnAddresses + address, Encoding.UTF8.GetBytes(nodeName)));
            }

            if (existing?.Peer.PublicKey != publicKey)
            {
                conditions.Add(StoreCondition.Absent(StoreKeys.VpnKeys + publicKey));
                operations.Add(StoreOperation.Put(StoreKeys.VpnKeys + publicKey, Encoding.UTF8.GetBytes(nodeName)));
                if (existing is not null)
                {
                    operations.Add(StoreOperation.Delete(StoreKeys.VpnKeys + existing.Peer.PublicKey));
                }
            }

            if (await store.CommitAsync(conditions, operations, cancellationToken).ConfigureAwait(false))
            {
                return peer;
            }
        }

        throw new ClusterException($"VPN peer {nodeName}: publish on {store.Description}: expected it committed within {MaxRounds} transactions, got a conflict each time");
    }

    /// <inheritdoc />
    public async Task<VpnPeerList> GetPeersAsync(CancellationToken cancellationToken = default)
    {
        var state = await ReadAsync(cancellationToken).ConfigureAwait(false);
        return new VpnPeerList(state.Version, [.. state.Peers.Values.Select(p => p.Peer).OrderBy(p => p.NodeName, StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        for (var round = 0; round < MaxRounds; round++)
        {
            var state = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!state.Peers.TryGetValue(nodeName, out var existing))
            {
                return false;
            }

            var removed = await store.CommitAsync(
                [VersionCondition(state), StoreCondition.Unchanged(existing.Entry)],
                [
                    StoreOperation.Delete(PeerKey(nodeName)),
                    StoreOperation.Delete(StoreKeys.VpnAddresses + existing.Peer.VpnAddress),
                    StoreOperation.Delete(StoreKeys.VpnKeys + existing.Peer.PublicKey),
                    NextVersion(state),
                ],
                cancellationToken).ConfigureAwait(false);
            if (removed)
            {
                return true;
            }
        }

        throw new ClusterException($"VPN peer {nodeName}: remove on {store.Description}: expected it committed within {MaxRounds} transactions, got a conflict each time");
    }

    private static string PeerKey(string nodeName) => StoreKeys.VpnPeers + nodeName;

    private static StoreCondition VersionCondition(State state) => state.VersionEntry is null ? StoreCondition.Absent(StoreKeys.VpnVersion) : StoreCondition.Unchanged(state.VersionEntry);

    private static StoreOperation NextVersion(State state) => StoreOperation.Put(StoreKeys.VpnVersion, Encoding.UTF8.GetBytes((state.Version + 1).ToString(CultureInfo.InvariantCulture)));

    private static byte[] Serialize(VpnPeer peer) =>
        JsonSerializer.SerializeToUtf8Bytes(new StoredVpnPeer(peer.NodeName, peer.PublicKey, peer.Endpoint, peer.VpnAddress.ToString()), StoreJsonContext.Default.StoredVpnPeer);

    private async Task<State> ReadAsync(CancellationToken cancellationToken)
    {
        var range = await store.GetPrefixAsync(VpnRoot, cancellationToken).ConfigureAwait(false);
        var state = new State();
        foreach (var entry in range.Entries)
        {
            if (entry.Key == StoreKeys.VpnVersion)
            {
                state.VersionEntry = entry;
                state.Version = long.TryParse(Encoding.UTF8.GetString(entry.Value), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                    ? version
                    : throw new ClusterException($"VPN peers on {store.Description}: {entry.Key}: expected a decimal version, got something else");
            }
            else if (entry.Key.StartsWith(StoreKeys.VpnPeers, StringComparison.Ordinal))
            {
                var peer = Parse(entry);
                state.Peers.Add(peer.NodeName, new PeerEntry(peer, entry));
            }
            else if (entry.Key.StartsWith(StoreKeys.VpnKeys, StringComparison.Ordinal))
            {
                state.KeyOwners.Add(entry.Key[StoreKeys.VpnKeys.Length..], (Encoding.UTF8.GetString(entry.Value), entry));
            }
        }

        return state;
    }

    private VpnPeer Parse(StoreEntry entry)
    {
        StoredVpnPeer? stored;
        try
        {
            stored = JsonSerializer.Deserialize(entry.Value, StoreJsonContext.Default.StoredVpnPeer);
        }
        catch (JsonException ex)
        {
            throw new ClusterException($"VPN peers on {store.Description}: {entry.Key}: expected a peer record, got unparseable JSON ({ex.Message})", ex);
        }

        if (stored is null || stored.NodeName != entry.Key[StoreKeys.VpnPeers.Length..] || !IPAddress.TryParse(stored.VpnAddress, out var address) || !_pool.IsHostAddress(address))
        {
            throw new ClusterException($"VPN peers on {store.Description}: {entry.Key}: expected a peer record for that node with an address in {_pool.Prefix}, got another record");
        }

        return new VpnPeer(stored.NodeName, stored.PublicKey, stored.Endpoint, address);
    }

    private sealed record PeerEntry(VpnPeer Peer, StoreEntry Entry);

    private sealed class State
    {
        public Dictionary<string, PeerEntry> Peers { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (string Owner, StoreEntry Entry)> KeyOwners { get; } = new(StringComparer.Ordinal);

        public StoreEntry? VersionEntry { get; set; }

        public long Version { get; set; }
    }
}
