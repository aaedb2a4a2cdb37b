namespace Constellation.Bootstrapper.Tests.Cluster;

/// <summary>
/// Two <c>constellation-bootstrapper</c> processes on swtpm: the first is initialised over aTLS with <c>InitClient</c>
/// and starts the cluster services as its child, the second joins through that join service, and both then verify
/// with a fresh nonce as members of the cluster (PCR 15 holds the cluster ID).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class InitJoinVerifyTests
{
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task Create() => _cluster = await TestCluster.CreateAsync(addressBase: 10);

    [TearDown]
    public async Task Dispose() => await _cluster.DisposeAsync();

    [Test]
    public async Task A_node_initialised_over_atls_and_a_node_that_joined_it_both_verify_as_members_of_the_cluster()
    {
        var a = await _cluster.StartNodeAsync(0);
        var init = await _cluster.InitAsync(a);
        var initialised = await TestCluster.WaitForStateAsync(a, "initialized");
        initialised.GetProperty("clusterId").GetString().Should().Be(Convert.ToHexStringLower(init.ClusterId.Span));
        initialised.TryGetProperty("joinEndpoint", out var joinEndpoint).Should().BeTrue("the init node runs the cluster services");
        joinEndpoint.GetString().Should().Be($"{a.Address}:30090");
        DaemonProcessIsRunning(initialised.GetProperty("clusterServicesPid").GetInt32()).Should().BeTrue();

        var b = await _cluster.StartNodeAsync(1);
        var joined = await TestCluster.WaitForStateAsync(b, "joined");

        joined.GetProperty("clusterId").GetString().Should().Be(Convert.ToHexStringLower(init.ClusterId.Span));
        joined.GetProperty("role").GetString().Should().Be("control-plane");
        (await _cluster.VerifyAsync(a)).Measurements[15].Should().NotBeEquivalentTo(new byte[32]);
        (await _cluster.VerifyAsync(b)).Measurements[15].Should().Equal((await _cluster.VerifyAsync(a)).Measurements[15]);
        File.Exists(Path.Combine(b.StateDirectory, "cluster-services", "mastersecret.json")).Should().BeFalse("only the init node holds the master secret");
    }

    private static bool DaemonProcessIsRunning(int pid) => Constellation.Tests.Daemons.DaemonProcess.IsRunning(pid);
}
