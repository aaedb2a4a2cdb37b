using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Constellation.Cluster.JoinService.Policy;

namespace Constellation.Cluster.ClusterServices.Admin;

/// <summary>
/// What the admin API of the cluster services needs (<see cref="ClusterServicesHost"/>): the node's issuer that attests
/// the server to the administrator, the cluster's variant that every new policy must be for, and where policies go.
/// The port is <see cref="ClusterServicesOptions.AdminServicePort"/>; callers must hold the admin credential.
/// </summary>
public sealed class AdminServiceOptions
{
    /// <summary>Gets the node's issuer: the admin API is server-attested aTLS, so the caller checks the node before it sends a policy.</summary>
    public required IAttestationIssuer Issuer { get; init; }

    /// <summary>Gets the cluster's variant (its definition reads the policy JSON); a policy for another variant is refused.</summary>
    public required AttestationVariantDefinition Variant { get; init; }

    /// <summary>Gets where an accepted policy is published (the join services watching it switch without a restart).</summary>
    public required IJoinPolicyPublisher Publisher { get; init; }

    /// <summary>Gets the VPN peers <c>RemoveNode</c> removes a node from, or <see langword="null"/> where the cluster has no VPN (the call is refused).</summary>
    public Vpn.IVpnPeerDirectory? VpnPeers { get; init; }
}
