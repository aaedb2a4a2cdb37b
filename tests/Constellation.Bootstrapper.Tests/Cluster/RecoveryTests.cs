namespace Constellation.Bootstrapper.Tests.Cluster;

/// <summary>
/// When no join service answers (the node that ran the cluster services is stopped), a rebooted control-plane node
/// serves the recovery API on port 9999, and <c>constellation recover</c> (the CLI, run as a process) attests it and
/// sends the master secret: the node derives its disk key, unlocks its disk and is a member again.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class RecoveryTests
{
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task Create() => _cluster = await TestCluster.CreateAsync(addressBase: 30);

    [TearDown]
    public async Task Dispose() => await _cluster.DisposeAsync();

    [Test]
    public async Task With_no_join_service_a_rebooted_control_plane_serves_recovery_and_constellation_recover_brings_it_back()
    {
        var a = await _cluster.StartNodeAsync(0);
        await _cluster.InitAsync(a);
        var b = await _cluster.StartNodeAsync(1);
        await TestCluster.WaitForStateAsync(b, "joined");
        await TestCluster.StopAsync(a);

        await _cluster.RebootAsync(b);
        var recovering = await TestCluster.WaitForStateAsync(b, "recovering");
        var endpoint = recovering.GetProperty("recoveryEndpoint").GetString()!;
        endpoint.Should().Be($"{b.Address}:9999");

        var wrongSecret = Path.Combine(_cluster.Dir, "other-mastersecret.json");
        await Constellation.Cluster.Keys.MasterSecret.Generate().WriteFileAsync(wrongSecret);
        var refused = await _cluster.RunCliAsync("recover", "--endpoint", endpoint, "--master-secret", wrongSecret, "--variant", "qemu-vtpm", "--measurements", _cluster.MeasurementsFile);
        refused.ExitCode.Should().NotBe(0, refused.Log);
        TestCluster.ReadStatus(b)!.Value.GetProperty("state").GetString().Should().Be("recovering", "another cluster's master secret changes nothing");

        var recover = await _cluster.RunCliAsync("recover", "--endpoint", endpoint, "--master-secret", _cluster.MasterSecretFile, "--variant", "qemu-vtpm", "--measurements", _cluster.MeasurementsFile);

        recover.ExitCode.Should().Be(0, recover.Log + recover.Output);
        var back = await TestCluster.WaitForStateAsync(b, "joined");
        back.GetProperty("clusterId").GetString().Should().Be(Convert.ToHexStringLower(_cluster.ClusterId!));
        back.TryGetProperty("recoveryEndpoint", out _).Should().BeFalse("the first success closes the recovery server");
        Cryptsetup.TestKey(b.DiskImage, _cluster.DiskKey(b)).Should().Be(0);
        (await _cluster.VerifyAsync(b)).Measurements[15].Should().NotBeEquivalentTo(new byte[32]);
    }
}
