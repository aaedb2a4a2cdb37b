using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;

namespace Constellation.Cluster.JoinService.Policy;

/// <summary>
/// Replaces the join policy every join service of the cluster admits nodes by (an upgrade's new measurements): the
/// cluster store for a cluster on etcd, a ConfigMap directory for a single node (<see cref="ConfigMapJoinPolicyPublisher"/>).
/// Join services watching it switch without a restart; a policy they cannot load leaves them on the last good one.
/// </summary>
/// <remarks>Implementations are thread-safe; a publish is one atomic step (readers see the old or the new policy, never a mix).</remarks>
public interface IJoinPolicyPublisher
{
    /// <summary>Publishes <paramref name="config"/> as the cluster's join policy.</summary>
    /// <param name="config">The variant's attestation config with its measurements.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the policy is stored.</returns>
    /// <exception cref="ClusterException">The policy cannot be stored.</exception>
    Task PublishAsync(AttestationConfig config, CancellationToken cancellationToken = default);
}
