using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.Kubernetes;

/// <summary>
/// What <c>kubeadm init</c> and <c>kubeadm join</c> do on a node once it is activated: bring up the control plane
/// (including the key and join services) or join the node to an existing one.
/// </summary>
public interface IClusterMembership
{
    /// <summary>Initialises a new cluster on this node and starts its control-plane services.</summary>
    /// <param name="masterSecret">The cluster's master secret (stored for the key service with mode 0600).</param>
    /// <param name="measurementSalt">The cluster's measurement salt.</param>
    /// <param name="clusterName">The cluster name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The admin kubeconfig.</returns>
    Task<byte[]> InitializeAsync(MasterSecret masterSecret, ReadOnlyMemory<byte> measurementSalt, string clusterName, CancellationToken cancellationToken = default);

    /// <summary>Joins this node to the cluster with a ticket's Kubernetes material.</summary>
    /// <param name="ticket">The applied ticket.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the node has joined.</returns>
    Task JoinAsync(KubernetesJoinMaterial ticket, CancellationToken cancellationToken = default);
}
