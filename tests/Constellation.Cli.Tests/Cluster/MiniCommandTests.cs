using System.CommandLine;
using System.Text.Json;
using Constellation.Cli;

namespace Constellation.Cli.Tests.Cluster;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class MiniCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandTree.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).WaitAsync(TimeSpan.FromMinutes(3));
        return (exitCode, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Mini_up_with_three_nodes_inits_joins_and_verifies_every_node_and_mini_down_cleans_up()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hosts-mini-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output, error) = await RunAsync("mini", "up", "--nodes", "3", "--variant", "dummy", "--json", "--dir", dir);

            exitCode.Should().Be(0, error);
            using var json = JsonDocument.Parse(output);
            var nodes = json.RootElement.EnumerateArray().ToArray();
            nodes.Select(n => n.GetProperty("name").GetString()).Should().Equal("node-0", "node-1", "node-2");
            nodes.Select(n => n.GetProperty("role").GetString()).Should().Equal("ControlPlane", "Worker", "Worker");
            nodes.Should().OnlyContain(n => n.GetProperty("verified").GetBoolean() && n.GetProperty("variant").GetString() == "dummy");
            File.Exists(Path.Combine(dir, "constellation-admin.conf")).Should().BeTrue();

            var again = await RunAsync("mini", "up", "--nodes", "1", "--variant", "dummy", "--dir", dir);
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

    [Test]
    public async Task Mini_up_on_swtpm_joins_and_verifies_qemu_vtpm_nodes_and_mini_down_stops_every_swtpm()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hosts-mini-vtpm-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output, error) = await RunAsync("mini", "up", "--nodes", "2", "--json", "--dir", dir);

            exitCode.Should().Be(0, error);
            using var json = JsonDocument.Parse(output);
            var nodes = json.RootElement.EnumerateArray().ToArray();
            nodes.Select(n => n.GetProperty("name").GetString()).Should().Equal("node-0", "node-1");
            nodes.Select(n => n.GetProperty("role").GetString()).Should().Equal("ControlPlane", "Worker");
            nodes.Should().OnlyContain(n => n.GetProperty("verified").GetBoolean() && n.GetProperty("variant").GetString() == "qemu-vtpm");
            File.GetUnixFileMode(Path.Combine(dir, "constellation-admin.conf")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(Path.Combine(dir, "constellation-mastersecret.json")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Exists(Path.Combine(dir, "join-config", "attestationConfig")).Should().BeTrue();

            using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "mini-state.json")));
            var swtpms = state.RootElement.GetProperty("Swtpm").EnumerateArray()
                .Select(s => (Pid: s.GetProperty("Pid").GetInt32(), StateDirectory: s.GetProperty("StateDirectory").GetString()!)).ToArray();
            swtpms.Should().HaveCount(2);
            swtpms.Should().OnlyContain(s => IsSwtpm(s.Pid) && Directory.Exists(s.StateDirectory));

            var down = await RunAsync("mini", "down", "--dir", dir);

            down.ExitCode.Should().Be(0, down.Error);
            swtpms.Should().OnlyContain(s => !IsSwtpm(s.Pid) && !Directory.Exists(s.StateDirectory));
            Directory.Exists(dir).Should().BeFalse();
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                await RunAsync("mini", "down", "--dir", dir);
            }
        }
    }

    [Test]
    public async Task Mini_up_without_swtpm_fails_with_a_clear_message_and_a_hint()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hosts-mini-noswtpm-" + Guid.NewGuid().ToString("N"));

        var (exitCode, _, error) = await RunAsync("mini", "up", "--nodes", "1", "--swtpm", "/nonexistent/swtpm", "--dir", dir);

        exitCode.Should().Be(2);
        error.Should().Contain("swtpm is not installed").And.Contain("apt-get install swtpm").And.Contain("--variant dummy");
        Directory.Exists(dir).Should().BeFalse();
    }

    private static bool IsSwtpm(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName == "swtpm";
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
