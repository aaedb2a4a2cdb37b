using System.Text.Json.Serialization;

namespace Constellation.Cluster.Store;

/// <summary>A VPN peer as stored under <see cref="StoreKeys.VpnPeers"/>.</summary>
internal sealed record StoredVpnPeer(
    [property: JsonPropertyName("nodeName")] string NodeName,
    [property: JsonPropertyName("publicKey")] string PublicKey,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("vpnAddress")] string VpnAddress);

/// <summary>A cluster-services replica as stored under <see cref="StoreKeys.Replicas"/>.</summary>
internal sealed record StoredReplica(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("joinEndpoint")] string JoinEndpoint,
    [property: JsonPropertyName("keyServiceEndpoint")] string KeyServiceEndpoint);

/// <summary>The JSON of the store's records (source-generated: the daemons publish as Native AOT). Unknown members are refused.</summary>
[JsonSerializable(typeof(StoredVpnPeer))]
[JsonSerializable(typeof(StoredReplica))]
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
