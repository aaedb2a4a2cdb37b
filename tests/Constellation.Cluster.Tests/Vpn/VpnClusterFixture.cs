namespace Constellation.Cluster.Tests.Vpn;

/// <summary>A fixture over one <see cref="VpnTestCluster"/> of <paramref name="nodes"/> nodes, started once and removed after its tests.</summary>
public abstract class VpnClusterFixture(int nodes)
{
    private VpnTestCluster? _cluster;

    private protected VpnTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the VPN test cluster did not start");

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = await VpnTestCluster.StartAsync(nodes);
        await OnStartedAsync();
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private protected virtual Task OnStartedAsync() => Task.CompletedTask;
}
