using System.Diagnostics;

namespace Constellation.Bootstrapper.Tests.Cluster;

/// <summary>
/// SIGTERM stops each daemon within a bound with exit code 0: a member node, and the init node together with its
/// cluster-services child, which does not outlive it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class GracefulStopTests
{
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(20);
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task Create() => _cluster = await TestCluster.CreateAsync(addressBase: 40);

    [TearDown]
    public async Task Dispose() => await _cluster.DisposeAsync();

    [Test]
    public async Task Sigterm_stops_a_member_and_the_init_node_with_its_cluster_services_within_the_bound_with_exit_0()
    {
        var a = await _cluster.StartNodeAsync(0);
        await _cluster.InitAsync(a);
        var child = (await TestCluster.WaitForStateAsync(a, "initialized")).GetProperty("clusterServicesPid").GetInt32();
        var b = await _cluster.StartNodeAsync(1);
        await TestCluster.WaitForStateAsync(b, "joined");
        var member = b.Daemon!;
        var initNode = a.Daemon!;

        await TestCluster.StopAsync(b);
        await TestCluster.StopAsync(a);

        b.LastStop.Should().BeLessThan(StopWithin);
        a.LastStop.Should().BeLessThan(StopWithin);
        DaemonIsGone(child).Should().BeTrue("the cluster services stopped with their bootstrapper");
        initNode.ErrorLines.Should().Contain(l => l.Contains("cluster services (pid " + child + ") stopped with code 0", StringComparison.Ordinal), initNode.Log);
        member.ErrorLines.Should().Contain(l => l.Contains("node node-1 stopped", StringComparison.Ordinal));
    }

    private static bool DaemonIsGone(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (Constellation.Tests.Daemons.DaemonProcess.IsRunning(pid) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(50);
        }

        return !Constellation.Tests.Daemons.DaemonProcess.IsRunning(pid);
    }
}
