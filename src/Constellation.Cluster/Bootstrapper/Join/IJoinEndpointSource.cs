using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.Join;

/// <summary>
/// Where the join client finds join services, in the order to try (on clouds: the load balancer, then each control-plane
/// IP from the metadata API, all on port 30090).
/// </summary>
public interface IJoinEndpointSource
{
    /// <summary>Lists the join service endpoints (<c>host:port</c>) to try, in order.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The endpoints; empty when no control plane is known yet.</returns>
    ValueTask<IReadOnlyList<string>> GetEndpointsAsync(CancellationToken cancellationToken = default);
}
