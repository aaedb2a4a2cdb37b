using Constellation.Atls;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Debugd;
using Constellation.Cluster.Transport;
using Constellation.Tests.Daemons;

namespace Constellation.Debugd.Tests;

/// <summary>
/// The daemon as a process: it starts the bootstrapper from its settings, serves a deploy from the authorized key, and
/// on SIGTERM stops the bootstrapper it supervises and exits 0.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class RunningDebugdTests
{
    [Test]
    public async Task A_deploy_to_the_daemon_restarts_the_bootstrapper_and_a_stop_leaves_no_bootstrapper_behind()
    {
        await using var daemon = new DebugdDaemon();
        await daemon.StartAsync();
        using var certificate = DebugKeyCertificate.Create(daemon.DeveloperKey, DateTimeOffset.UtcNow);
        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [new DummyValidator()], ClientCertificate = certificate }).CreateChannel(daemon.Address);
        var before = await DebugdClient.GetStatusAsync(channel).WaitAsync(DebugdDaemon.Bound);

        var deployed = await DebugdClient.DeployAsync(channel, new MemoryStream(Constellation.Cluster.Tests.Debugd.DebugdNode.Bootstrapper("v2"))).WaitAsync(DebugdDaemon.Bound);

        deployed.ProcessId.Should().NotBe(before.ProcessId!.Value);
        DaemonProcess.IsRunning(before.ProcessId.Value).Should().BeFalse("the old bootstrapper was stopped");
        var lines = await Constellation.Cluster.Tests.Debugd.DebugdNode.WaitForLogAsync(channel, "bootstrapper v2 running");
        lines.Should().Contain("stdout: bootstrapper v1 running");
        (await daemon.Process!.StopAsync(DebugdDaemon.Bound)).Should().Be(0, daemon.Process.Log);
        DaemonProcess.IsRunning(deployed.ProcessId).Should().BeFalse("debugd stops the bootstrapper it supervises");
        daemon.Process.Log.Should().Contain("bootstrapper replaced").And.Contain(deployed.Sha256);
    }
}
