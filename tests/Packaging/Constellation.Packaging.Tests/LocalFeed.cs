using System.Diagnostics;

namespace Constellation.Packaging.Tests;

/// <summary>The local package feed that the test command packs into before the tests run.</summary>
internal static class LocalFeed
{
    public const string Version = "0.1.0";

    public static string Directory
    {
        get
        {
            var feed = Environment.GetEnvironmentVariable("CONSTELLATION_LOCAL_FEED");
            if (string.IsNullOrEmpty(feed) || !System.IO.Directory.Exists(feed))
            {
                throw new InvalidOperationException(
                    "CONSTELLATION_LOCAL_FEED is not set to the packed feed; run the tests with scripts/test.sh, which runs 'dotnet pack' into artifacts/feed first");
            }

            return feed;
        }
    }

    public static string Package(string id) => Path.Combine(Directory, $"{id}.{Version}.nupkg");

    /// <summary>The checkout root, found from the test binaries (source paths are mapped away in CI builds).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Constellation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Constellation.sln not found above " + AppContext.BaseDirectory);
    }
}

internal static class Processes
{
    /// <summary>Runs a process to completion (bounded by <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
