using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;

namespace Constellation.Cluster.JoinService.Policy;

/// <summary>Publishes the join policy into a ConfigMap directory, as the kubelet updates a mounted <c>join-config</c> (<see cref="JoinServicePolicy.PublishAsync"/>).</summary>
/// <remarks>Thread-safe as far as <see cref="ConfigMapDirectory"/> is.</remarks>
public sealed class ConfigMapJoinPolicyPublisher : IJoinPolicyPublisher
{
    private readonly ConfigMapDirectory _configMap;

    /// <summary>Creates a publisher for <paramref name="configMap"/>.</summary>
    /// <param name="configMap">The directory the join services read.</param>
    public ConfigMapJoinPolicyPublisher(ConfigMapDirectory configMap)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        _configMap = configMap;
    }

    /// <inheritdoc />
    public async Task PublishAsync(AttestationConfig config, CancellationToken cancellationToken = default)
    {
        try
        {
            await JoinServicePolicy.PublishAsync(_configMap, config, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ClusterException($"join policy: expected it written to {_configMap.PathOf(JoinServicePolicy.AttestationConfigFileName)}, got {e.Message}", e);
        }
    }
}
