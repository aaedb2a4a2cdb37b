using Constellation.Cluster.Store;
using Constellation.Cluster.Store.Memory;

namespace Constellation.Cluster.Tests.Store;

/// <summary>
/// A fixture's store: one real etcd member (mTLS on loopback) or the in-memory store. The behaviour fixtures derive
/// twice, so both implementations of <see cref="IClusterStore"/> meet the same expectations.
/// </summary>
public abstract class StoreFixture
{
    private EtcdTestCluster? _cluster;

    internal IClusterStore Store { get; private set; } = null!;

    /// <summary>Gets a second client of the same store (another replica).</summary>
    internal IClusterStore OtherReplica { get; private set; } = null!;

    protected abstract bool OnEtcd { get; }

    [OneTimeSetUp]
    public async Task StartStore()
    {
        if (OnEtcd)
        {
            _cluster = await EtcdTestCluster.StartAsync(1);
            Store = _cluster.Client();
            OtherReplica = _cluster.Client();
        }
        else
        {
            Store = new InMemoryClusterStore();
            OtherReplica = Store;
        }
    }

    [OneTimeTearDown]
    public async Task StopStore()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        else
        {
            await Store.DisposeAsync();
        }
    }
}
