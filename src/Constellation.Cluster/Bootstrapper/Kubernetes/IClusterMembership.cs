using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.Kubernetes;

/// <summary>
/// What <c>kubeadm init</c> and <c>kubeadm join</c> do on a node once it is activated: bring up the control plane
/// (including the key and join services) or join the node to an existing one; and, after a reboot, what a node that
/// returned to its cluster starts again.
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

    /// <summary>
    /// Continues on a node that returned to its cluster after a reboot (rejoin or recovery): starts again what init or
    /// a join started on this node before, from its state directory.
    /// </summary>
    /// <param name="state">The node state stored on the node's state disk (role and measurement salt).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the node runs what it ran before.</returns>
    Task ResumeAsync(NodeState state, CancellationToken cancellationToken = default);
}
