using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.JoinService.Join;

namespace Constellation.Cluster.Store;

/// <summary>
/// A replica's Kubernetes operations with its bootstrap tokens recorded on the cluster store (<see cref="StoreBootstrapTokens"/>:
/// a lease that ends with the token), so every replica — and whatever checks a token later — sees each token any
/// replica issued, and an expired token is gone from the store by itself. Everything else is the inner operations'.
/// </summary>
/// <remarks>Thread-safe as far as the inner operations are.</remarks>
internal sealed class StoreKubernetesOperations(IKubernetesOperations inner, StoreBootstrapTokens tokens) : IKubernetesOperations
{
    public string ApiServerEndpoint => inner.ApiServerEndpoint;

    public string DiscoveryTokenCaCertHash => inner.DiscoveryTokenCaCertHash;

    /// <summary>Creates the token and records it; a token the store did not take is not handed out.</summary>
    /// <exception cref="ClusterException">The store cannot be written.</exception>
    public async ValueTask<BootstrapToken> CreateBootstrapTokenAsync(TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var token = await inner.CreateBootstrapTokenAsync(lifetime, cancellationToken).ConfigureAwait(false);
        await tokens.AddAsync(token, cancellationToken).ConfigureAwait(false);
        return token;
    }

    public ValueTask<byte[]> SignKubeletCertificateAsync(KubeletCsr csr, CancellationToken cancellationToken = default) =>
        inner.SignKubeletCertificateAsync(csr, cancellationToken);

    public ValueTask<IReadOnlyList<ControlPlaneFile>> GetControlPlaneFilesAsync(CancellationToken cancellationToken = default) =>
        inner.GetControlPlaneFilesAsync(cancellationToken);
}
