using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// The Kubernetes operations the join service needs: bootstrap tokens, kubelet certificates signed by the cluster CA,
/// and the control-plane PKI files. Implemented for a kubeadm control plane and for the local one-machine cluster.
/// </summary>
/// <remarks>Implementations are safe to call concurrently.</remarks>
public interface IKubernetesOperations
{
    /// <summary>Gets the API server endpoint nodes join (<c>host:6443</c>).</summary>
    string ApiServerEndpoint { get; }

    /// <summary>Gets kubeadm's CA pin, <c>sha256:&lt;hex&gt;</c>.</summary>
    string DiscoveryTokenCaCertHash { get; }

    /// <summary>Creates and registers a bootstrap token.</summary>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token.</returns>
    ValueTask<BootstrapToken> CreateBootstrapTokenAsync(TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>Signs a checked kubelet CSR with the cluster CA.</summary>
    /// <param name="csr">The checked CSR.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The certificate, PEM-encoded.</returns>
    ValueTask<byte[]> SignKubeletCertificateAsync(KubeletCsr csr, CancellationToken cancellationToken = default);

    /// <summary>Reads the control-plane certificates and keys a joining control-plane node needs.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The files.</returns>
    ValueTask<IReadOnlyList<ControlPlaneFile>> GetControlPlaneFilesAsync(CancellationToken cancellationToken = default);
}
