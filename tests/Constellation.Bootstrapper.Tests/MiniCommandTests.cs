using System.CommandLine;
using System.Text.Json;
using Constellation.Cli;

namespace Constellation.Bootstrapper.Tests;

public class MiniCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandTree.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Mini_up_with_three_nodes_inits_joins_and_verifies_every_node_and_mini_down_cleans_up()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hosts-mini-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output, error) = await RunAsync("mini", "up", "--nodes", "3", "--json", "--dir", dir);

            exitCode.Should().Be(0, error);
            using var json = JsonDocument.Parse(output);
            var nodes = json.RootElement.EnumerateArray().ToArray();
            nodes.Select(n => n.GetProperty("name").GetString()).Should().Equal("node-0", "node-1", "node-2");
            nodes.Select(n => n.GetProperty("role").GetString()).Should().Equal("ControlPlane", "Worker", "Worker");
            nodes.Should().OnlyContain(n => n.GetProperty("verified").GetBoolean() && n.GetProperty("variant").GetString() == "dummy");
            File.Exists(Path.Combine(dir, "constellation-admin.conf")).Should().BeTrue();

            var again = await RunAsync("mini", "up", "--nodes", "1", "--dir", dir);
            again.ExitCode.Should().Be(2);
            again.Error.Should().Contain("mini down");

            (await RunAsync("mini", "down", "--dir", dir)).ExitCode.Should().Be(0);
            Directory.Exists(dir).Should().BeFalse();
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
