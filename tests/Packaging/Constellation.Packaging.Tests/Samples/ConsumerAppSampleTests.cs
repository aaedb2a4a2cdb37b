namespace Constellation.Packaging.Tests;

public class ConsumerSampleTests
{
    [Test]
    public async Task The_consumer_sample_restores_the_packages_from_the_local_feed_and_serves_and_calls_over_atls()
    {
        var work = Path.Combine(Path.GetTempPath(), "constellation-consumer-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Outside the repository, so nothing but the packages (no project references, no repo build settings) is used.
            var app = Path.Combine(work, "ConsumerApp");
            CopyDirectory(Path.Combine(LocalFeed.RepositoryRoot(), "samples", "ConsumerApp"), app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="constellation-local" value="{LocalFeed.Directory}" />
                  </packageSources>
                </configuration>
                """);
            var packages = Path.Combine(work, "packages");

            var (buildCode, buildOutput) = await Processes.RunAsync(
                "dotnet", ["build", "-c", "Release", "--packages", packages, "-p:ConstellationVersion=" + LocalFeed.Version], app, TimeSpan.FromMinutes(8));
            buildCode.Should().Be(0, buildOutput);
            Directory.GetDirectories(packages).Select(Path.GetFileName).Should().Contain(new[] { "constellation.attestation", "constellation.atls" });

            var (runCode, runOutput) = await Processes.RunAsync(
                "dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "ConsumerApp.dll"), "--self-test"], app, TimeSpan.FromMinutes(2));

            runCode.Should().Be(0, runOutput);
            runOutput.Should().Contain("response: hello from an attested server");
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyDirectory(directory, Path.Combine(destination, name));
            }
        }
    }
}
