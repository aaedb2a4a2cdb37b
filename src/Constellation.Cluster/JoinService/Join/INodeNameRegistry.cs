using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.JoinService.Join;

/// <summary>
/// The one-to-one bindings of kubelet node names and state disks the join service hands out identities by: a file or
/// memory for one replica (<see cref="NodeNameRegistry"/>), the cluster store for replicas on several nodes
/// (<see cref="Store.StoreNodeNameRegistry"/>).
/// </summary>
/// <remarks>Implementations are thread-safe and bind both directions in one atomic step, so two claims can never give one name two disks or one disk two names.</remarks>
internal interface INodeNameRegistry
{
    /// <summary>Binds <paramref name="nodeName"/> and <paramref name="disk"/> to each other, or checks that they already are.</summary>
    /// <exception cref="JoinRequestRejectedException">The name is bound to another disk, or the disk to another name; nothing was bound.</exception>
    /// <exception cref="NodeRegistryException">The binding could not be recorded, or the recorded bindings cannot be trusted; nothing was bound.</exception>
    /// <exception cref="ClusterException">The store cannot be reached.</exception>
    Task ClaimAsync(string nodeName, StateDiskUuid disk, CancellationToken cancellationToken);

    /// <summary>Checks whether a state disk is bound to a node name (it joined, or is the init node's).</summary>
    Task<bool> IsBoundAsync(StateDiskUuid disk, CancellationToken cancellationToken);
}
