using System.Collections.Concurrent;
using System.Xml.Linq;

namespace Constellation.Packaging.Tests.Samples;

/// <summary>
/// Builds the samples the way a consumer does: each copied outside the repository (so no project reference and no
/// repository build setting can reach it), with a <c>nuget.config</c> naming only the local feed as an extra source,
/// restored into one package folder for this run. Each sample is built once per run, however many tests run it.
/// </summary>
[SetUpFixture]
public sealed class SampleBuilds
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Builds = new(StringComparer.Ordinal);
    private static string? _work;

    /// <summary>The run's work directory: one copy per sample and the shared package folder.</summary>
    private static string Work => _work ?? throw new InvalidOperationException("the sample builds' set-up did not run");

    [OneTimeSetUp]
    public void CreateWorkDirectory() =>
        _work = Path.Combine(Path.GetTempPath(), "constellation-samples-" + Guid.NewGuid().ToString("N"));

    [OneTimeTearDown]
    public void DeleteWorkDirectory()
    {
        if (_work is not null && Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    /// <summary>Copies and builds <c>samples/&lt;name&gt;</c> against the local feed; returns the copy's directory.</summary>
    public static Task<string> BuildAsync(string name) =>
        Builds.GetOrAdd(name, n => new Lazy<Task<string>>(() => BuildOnceAsync(n))).Value;

    /// <summary>Runs a built sample to completion (bounded) with <paramref name="arguments"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string name, params string[] arguments)
    {
        var app = await BuildAsync(name);
        var result = await Processes.RunAsync(
            "dotnet", [Path.Combine(app, "bin", "Release", "net10.0", name + ".dll"), .. arguments], app, TimeSpan.FromMinutes(2));
        TestContext.Out.WriteLine($"$ {name} {string.Join(' ', arguments)} -> exit {result.ExitCode}{Environment.NewLine}{result.Output}");
        return result;
    }

    /// <summary>A scratch directory inside the run's work directory (deleted with it).</summary>
    public static string Scratch(string purpose)
    {
        var path = Path.Combine(Work, "scratch", purpose + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void CopyDirectory(string source, string destination)
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

    private static async Task<string> BuildOnceAsync(string name)
    {
        var app = Path.Combine(Work, name);
        CopyDirectory(Path.Combine(LocalFeed.RepositoryRoot(), "samples", name), app);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="constellation-local" value="{LocalFeed.Directory}" />
              </packageSources>
            </configuration>
            """);
        var packages = Path.Combine(Work, "packages");
        var (code, output) = await Processes.RunAsync(
            "dotnet", ["build", "-c", "Release", "--nologo", "--packages", packages, "-p:ConstellationVersion=" + LocalFeed.Version], app, TimeSpan.FromMinutes(8));
        code.Should().Be(0, $"samples/{name} builds against the packages in the local feed:{Environment.NewLine}{output}");
        var referenced = XDocument.Load(Path.Combine(app, name + ".csproj")).Descendants("PackageReference")
            .Select(r => r.Attribute("Include")!.Value)
            .Where(id => id.StartsWith("Constellation.", StringComparison.Ordinal))
            .Select(id => id.ToLowerInvariant())
            .ToList();
        referenced.Should().NotBeEmpty($"samples/{name} consumes the Constellation packages");
        Directory.GetDirectories(packages).Select(Path.GetFileName).Should().Contain(referenced, "the packages come from the local feed, not from project references");
        return app;
    }
}
