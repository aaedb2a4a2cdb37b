using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Bootstrapper.Join;

/// <summary>A fixed list of join endpoints.</summary>
public sealed class StaticJoinEndpointSource : IJoinEndpointSource
{
    private readonly ImmutableArray<string> _endpoints;

    /// <summary>Creates the source.</summary>
    /// <param name="endpoints">The endpoints, <c>host:port</c>, in order.</param>
    public StaticJoinEndpointSource(IEnumerable<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _endpoints = [.. endpoints];
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetEndpointsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>(_endpoints);
}
