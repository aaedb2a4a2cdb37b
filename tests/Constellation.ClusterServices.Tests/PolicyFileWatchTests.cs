namespace Constellation.ClusterServices.Tests;

/// <summary>
/// The running <c>constellation-cluster-services</c> process watches its attestation config file: a new policy
/// applies to the next join without a restart, and an update that is not a policy keeps the last good one and is logged.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class PolicyFileWatchTests
{
    private RunningClusterServices _services = null!;

    [SetUp]
    public async Task Start() => _services = await RunningClusterServices.StartAsync(Loopback.Address(0));

    [TearDown]
    public async Task Stop() => await _services.DisposeAsync();

    [Test]
    public async Task A_policy_change_on_disk_applies_to_the_next_join_without_a_restart()
    {
        (await _services.TryJoinAsync("worker-a")).Should().BeTrue("the premise: the node meets the first policy");

        await _services.PublishAsync(_services.Other);

        (await _services.WaitUntilJoinIsAsync(admitted: false, "worker-b")).Should().BeTrue("the new policy refuses the node");
        (await _services.WaitForLogAsync("generation 2")).Should().Contain("Attestation policy loaded");
        await _services.PublishAsync(_services.Fresh);
        (await _services.WaitUntilJoinIsAsync(admitted: true, "worker-c")).Should().BeTrue("and the one after admits it again");
        _services.Daemon.HasExited.Should().BeFalse();
        RunningClusterServicesStatusPid().Should().Be(_services.Daemon.Id, "the same process, never restarted");
    }

    [Test]
    public async Task An_update_that_is_not_a_policy_keeps_the_last_good_policy_and_is_logged()
    {
        await _services.PublishAsync(_services.Other);
        (await _services.WaitUntilJoinIsAsync(admitted: false, "worker-a")).Should().BeTrue("the premise: the last good policy refuses the node");

        await _services.PublishGarbageAsync();

        var line = await _services.WaitForLogAsync("reload");
        line.Should().Contain("failed").And.Contain("keeping generation 2");
        (await _services.TryJoinAsync("worker-b")).Should().BeFalse("a broken file does not fall back to admitting anyone");
        _services.Daemon.HasExited.Should().BeFalse();
        await _services.PublishAsync(_services.Fresh);
        (await _services.WaitUntilJoinIsAsync(admitted: true, "worker-c")).Should().BeTrue("the watch goes on after a bad update");
    }

    private int RunningClusterServicesStatusPid()
    {
        using var status = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_services.StateDirectory, "status.json")));
        return status.RootElement.GetProperty("pid").GetInt32();
    }
}
