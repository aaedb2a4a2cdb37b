using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Bootstrapper.Kubernetes;

/// <summary>The Kubernetes part of a join ticket, as the node applies it (kubeadm join).</summary>
/// <param name="NodeName">The node's name.</param>
/// <param name="ApiServerEndpoint">The API server to join.</param>
/// <param name="BootstrapToken">The bootstrap token (a credential).</param>
/// <param name="DiscoveryTokenCaCertHash">The CA pin.</param>
/// <param name="KubeletCertificate">The kubelet certificate with its private key.</param>
/// <param name="ControlPlaneFiles">The control-plane PKI files (empty for workers).</param>
public sealed record KubernetesJoinMaterial(
    string NodeName,
    string ApiServerEndpoint,
    string BootstrapToken,
    string DiscoveryTokenCaCertHash,
    X509Certificate2 KubeletCertificate,
    IReadOnlyList<ControlPlaneFile> ControlPlaneFiles)
{
    /// <summary>Returns a description without the token or keys.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"join {NodeName} to {ApiServerEndpoint} ({ControlPlaneFiles.Count} control-plane files)";
}
