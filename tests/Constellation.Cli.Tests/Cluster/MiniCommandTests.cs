using Constellation.Cli.Commands.Cluster;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>What <c>mini</c> refuses before it starts anything, and how it recognises its own processes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class MiniCommandTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "mini-args-" + Guid.NewGuid().ToString("N")[..8]);

    [Test]
    public async Task Mini_up_without_the_published_node_image_fails_naming_the_script_and_starts_nothing()
    {
        var dir = NewDirectory();

        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "up", "--dir", dir, "--bootstrapper-dir", Path.Combine(dir, "no-image"));

        exitCode.Should().Be(2);
        error.Should().Contain("--bootstrapper-dir").And.Contain("scripts/node-image.sh");
        Directory.Exists(dir).Should().BeFalse();
    }

    [Test]
    public async Task Mini_up_refuses_an_unknown_network_mode()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "up", "--dir", NewDirectory(), "--network", "host", "--variant", "dummy", "--bootstrapper-dir", TestImage());

        exitCode.Should().Be(2);
        error.Should().Contain("--network: expected netns or loopback, got host");
    }

    [Test]
    public async Task Mini_up_refuses_more_control_planes_than_nodes()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("mini", "up", "--nodes", "2", "--control-planes", "3", "--dir", NewDirectory());

        exitCode.Should().Be(2);
        error.Should().Contain("--control-planes: expected 1 to 2, got 3");
    }

    [Test]
    public async Task Mini_status_without_a_cluster_in_the_directory_says_so()
    {
        var dir = Directory.CreateTempSubdirectory("mini-status-").FullName;
        try
        {
            var (exitCode, _, error) = await CliRunner.RunAsync("mini", "status", "--dir", dir);

            exitCode.Should().Be(2);
            error.Should().Contain("no local cluster").And.Contain("mini-state.json");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Test]
    public void A_recorded_process_whose_pid_now_belongs_to_another_process_is_not_taken_for_it()
    {
        var ticks = DetachedProcess.StartTicksOf(Environment.ProcessId);

        ticks.Should().NotBeNull();
        new DetachedProcess(Environment.ProcessId, ticks!.Value).IsRunning.Should().BeTrue();
        new DetachedProcess(Environment.ProcessId, ticks.Value + 1).IsRunning.Should().BeFalse("same PID, other start time: another process");
    }

    // A directory that passes the image check (the refusal under test comes after it).
    private static string TestImage()
    {
        var image = Path.Combine(Path.GetTempPath(), "mini-args-image");
        Directory.CreateDirectory(image);
        File.WriteAllText(Path.Combine(image, MiniNodeLauncher.BootstrapperDll), string.Empty);
        return image;
    }
}
