namespace Constellation.Cluster.Store;

/// <summary>
/// The key layout of the cluster store (docs/cluster.md): everything under <c>/constellation/</c>, one prefix per kind
/// of state, so a watch or a range read covers exactly one kind.
/// </summary>
internal static class StoreKeys
{
    /// <summary>The root of every key.</summary>
    public const string Root = "/constellation/";

    /// <summary><c>…/nodes/name/&lt;node name&gt;</c> = disk UUID.</summary>
    public const string NodeByName = Root + "nodes/name/";

    /// <summary><c>…/nodes/disk/&lt;disk UUID&gt;</c> = node name.</summary>
    public const string NodeByDisk = Root + "nodes/disk/";

    /// <summary><c>…/join/attestation-config</c> = the variant's attestation config as JSON.</summary>
    public const string AttestationConfig = Root + "join/attestation-config";

    /// <summary><c>…/tokens/&lt;token id&gt;</c> = SHA-256 of the token secret, under a lease that ends with the token.</summary>
    public const string BootstrapTokens = Root + "tokens/";

    /// <summary><c>…/vpn/peers/&lt;node name&gt;</c> = the peer as JSON.</summary>
    public const string VpnPeers = Root + "vpn/peers/";

    /// <summary><c>…/vpn/address/&lt;VPN address&gt;</c> = node name (unique allocation).</summary>
    public const string VpnAddresses = Root + "vpn/address/";

    /// <summary><c>…/vpn/key/&lt;public key&gt;</c> = node name (one node per key).</summary>
    public const string VpnKeys = Root + "vpn/key/";

    /// <summary><c>…/vpn/version</c> = the peer-list version (decimal), bumped in every transaction that changes a peer.</summary>
    public const string VpnVersion = Root + "vpn/version";

    /// <summary><c>…/replicas/&lt;node name&gt;</c> = the replica's endpoints as JSON, under the replica's lease.</summary>
    public const string Replicas = Root + "replicas/";

    /// <summary>The master secret (its JSON), written once at init; only etcd-CA clients (control planes) can read it.</summary>
    public const string MasterSecret = Root + "secrets/master-secret";

    /// <summary>The cluster's 32-byte measurement salt, written once at init (every join service hands it out).</summary>
    public const string MeasurementSalt = Root + "join/measurement-salt";
}
