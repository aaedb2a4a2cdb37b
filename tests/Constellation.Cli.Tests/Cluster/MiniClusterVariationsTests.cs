using System.Text.Json;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>
/// The other shapes of a local cluster, each up, verified and down again: on loopback (every node on its own
/// 127.x.y.z in the host's namespace) and with the dummy variant (no swtpm, no measured launch).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class MiniClusterVariationsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [TestCase("loopback", "qemu-vtpm")]
    [TestCase("netns", "dummy")]
    public async Task A_two_node_cluster_comes_up_verifies_and_goes_down_without_leftovers(string network, string variant)
    {
        var image = await NodeImage.EnsurePublishedAsync();
        var dir = Path.Combine(Path.GetTempPath(), "mini-var-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (exitCode, output, error) = await CliRunner.RunAsync(
                "mini", "up", "--nodes", "2", "--network", network, "--variant", variant, "--json", "--dir", dir, "--bootstrapper-dir", image).WaitAsync(Bound);

            exitCode.Should().Be(0, error);
            var nodes = JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().ToArray();
            nodes.Should().HaveCount(2).And.OnlyContain(n => n.GetProperty("verify").GetString() == "ok");
            var pids = nodes.Select(n => n.GetProperty("pid").GetInt32()).ToList();
            pids.Should().OnlyContain(p => File.Exists($"/proc/{p}/cmdline"));
            if (network == "loopback")
            {
                nodes.Should().OnlyContain(n => n.GetProperty("verifyEndpoint").GetString()!.StartsWith("127.", StringComparison.Ordinal));
                File.Exists(Path.Combine(dir, "constellation-conf.yaml")).Should().BeTrue();
            }

            var verify = variant == "dummy"
                ? await CliRunner.RunAsync("verify", "--endpoint", nodes[1].GetProperty("verifyEndpoint").GetString()!, "--variant", "dummy")
                : await CliRunner.RunAsync("verify", "--endpoint", nodes[1].GetProperty("verifyEndpoint").GetString()!, "--config", Path.Combine(dir, "constellation-conf.yaml"));
            verify.ExitCode.Should().Be(0, verify.Error);

            var down = await CliRunner.RunAsync("mini", "down", "--dir", dir).WaitAsync(Bound);
            down.ExitCode.Should().Be(0, down.Error);
            await Task.Delay(200);
            pids.Should().OnlyContain(p => !File.Exists($"/proc/{p}/cmdline") || File.ReadAllText($"/proc/{p}/cmdline").Length == 0);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                await CliRunner.RunAsync("mini", "down", "--dir", dir);
            }
        }
    }
}
