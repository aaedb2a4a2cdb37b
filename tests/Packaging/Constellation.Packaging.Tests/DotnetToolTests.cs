namespace Constellation.Packaging.Tests;

public class DotnetToolTests
{
    [Test]
    public async Task The_cli_installs_as_a_dotnet_tool_from_the_local_feed_and_prints_its_version()
    {
        var toolPath = Path.Combine(Path.GetTempPath(), "constellation-tool-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (installCode, installOutput) = await Processes.RunAsync(
                "dotnet",
                ["tool", "install", "Constellation.Cli", "--tool-path", toolPath, "--add-source", LocalFeed.Directory, "--version", LocalFeed.Version],
                Path.GetTempPath(),
                TimeSpan.FromMinutes(3));
            installCode.Should().Be(0, installOutput);

            var (versionCode, versionOutput) = await Processes.RunAsync(
                Path.Combine(toolPath, "constellation"), ["--version"], Path.GetTempPath(), TimeSpan.FromMinutes(1));

            versionCode.Should().Be(0, versionOutput);
            versionOutput.Trim().Should().StartWith(LocalFeed.Version);
        }
        finally
        {
            if (Directory.Exists(toolPath))
            {
                Directory.Delete(toolPath, recursive: true);
            }
        }
    }
}
