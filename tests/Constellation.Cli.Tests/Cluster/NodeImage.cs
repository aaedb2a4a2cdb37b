using System.Diagnostics;
using Constellation.Tests;

namespace Constellation.Cli.Tests.Cluster;

/// <summary>The node image the local-cluster tests boot: published once per test run with <c>scripts/node-image.sh</c> into <c>artifacts/node-image-tests</c>.</summary>
internal static class NodeImage
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    public static Task<string> EnsurePublishedAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        var image = Path.Combine(TestData.Root, "artifacts", "node-image-tests");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(TestData.Root, "scripts", "node-image.sh"));
        start.ArgumentList.Add(image);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        process.ExitCode.Should().Be(0, $"scripts/node-image.sh publishes the node image: {await error}");
        return image;
    }
}
