using System.Security.Cryptography;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Debugd;

namespace Constellation.Cluster.Tests.Debugd;

/// <summary>
/// A deploy through debugd replaces the supervised bootstrapper: the new executable is in place, a new process runs it,
/// <c>Info</c> names its SHA-256 and PID, and its output shows in the logs.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DeployTests
{
    [Test]
    public async Task A_deployed_bootstrapper_runs_as_a_new_process_whose_output_the_logs_show()
    {
        await using var node = await DebugdNode.StartAsync(new DummyIssuer());
        using var channel = node.Channel(new DummyValidator(), node.DeveloperKey, out var certificate);
        using var _ = certificate;
        await DebugdNode.WaitForLogAsync(channel, "bootstrapper v1 running");
        var before = await DebugdClient.GetStatusAsync(channel).WaitAsync(DebugdNode.Bound);
        var v2 = DebugdNode.Bootstrapper("v2");

        var deployed = await DebugdClient.DeployAsync(channel, new MemoryStream(v2)).WaitAsync(DebugdNode.Bound);

        deployed.PreviousSha256.Should().Be(before.Sha256).And.Be(Convert.ToHexStringLower(SHA256.HashData(DebugdNode.Bootstrapper("v1"))));
        deployed.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(v2)));
        deployed.ProcessId.Should().NotBe(before.ProcessId!.Value);
        (await File.ReadAllBytesAsync(node.BootstrapperPath)).Should().Equal(v2);
        var after = await DebugdClient.GetStatusAsync(channel).WaitAsync(DebugdNode.Bound);
        after.Should().BeEquivalentTo(new { Sha256 = deployed.Sha256, ProcessId = (int?)deployed.ProcessId, Deploys = 1, Restarts = 0 });
        var lines = await DebugdNode.WaitForLogAsync(channel, "bootstrapper v2 running");
        lines.Should().Contain("stderr: bootstrapper v2 args: --node-name debug-0", "the new build gets the configured arguments");
        Directory.GetFiles(Path.GetDirectoryName(node.BootstrapperPath)!).Should().Equal([node.BootstrapperPath], "no staging file or backup is left behind");
    }

    [Test]
    public async Task A_follower_of_the_logs_sees_the_new_build_start_live()
    {
        await using var node = await DebugdNode.StartAsync(new DummyIssuer());
        using var channel = node.Channel(new DummyValidator(), node.DeveloperKey, out var certificate);
        using var _ = certificate;
        await DebugdNode.WaitForLogAsync(channel, "bootstrapper v1 running");
        using var stop = new CancellationTokenSource(DebugdNode.Bound);
        var seen = new List<string>();
        var follow = Task.Run(async () =>
        {
            await foreach (var line in DebugdClient.ReadLogsAsync(channel, follow: true, stop.Token))
            {
                seen.Add(line.Text);
                if (line.Text == "bootstrapper v2 running")
                {
                    return;
                }
            }
        });

        await DebugdClient.DeployAsync(channel, new MemoryStream(DebugdNode.Bootstrapper("v2"))).WaitAsync(DebugdNode.Bound);

        await follow.WaitAsync(DebugdNode.Bound);
        seen.Should().StartWith("bootstrapper v1 running").And.EndWith("bootstrapper v2 running");
    }

    [Test]
    public async Task A_new_build_that_exits_at_once_is_rolled_back_and_the_old_one_runs_again()
    {
        await using var node = await DebugdNode.StartAsync(new DummyIssuer());
        using var channel = node.Channel(new DummyValidator(), node.DeveloperKey, out var certificate);
        using var _ = certificate;
        var before = await DebugdClient.GetStatusAsync(channel).WaitAsync(DebugdNode.Bound);
        var broken = "#!/bin/sh\necho broken build >&2\nexit 3\n"u8.ToArray();

        var deploy = () => DebugdClient.DeployAsync(channel, new MemoryStream(broken)).WaitAsync(DebugdNode.Bound);

        var refused = (await deploy.Should().ThrowAsync<DebugdException>()).Which;
        refused.Status.Should().Be(Grpc.Core.StatusCode.FailedPrecondition);
        refused.Message.Should().Contain("exit").And.Contain("restored").And.Contain(before.Sha256);
        (await File.ReadAllBytesAsync(node.BootstrapperPath)).Should().Equal(DebugdNode.Bootstrapper("v1"));
        var after = await DebugdClient.GetStatusAsync(channel).WaitAsync(DebugdNode.Bound);
        after.Sha256.Should().Be(before.Sha256);
        after.ProcessId.Should().NotBeNull().And.NotBe(before.ProcessId);
        after.Deploys.Should().Be(0);
    }
}
