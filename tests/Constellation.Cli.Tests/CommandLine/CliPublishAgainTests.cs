using System.Diagnostics;
using Constellation.Tests;

namespace Constellation.Cli.Tests.CommandLine;

/// <summary>
/// <c>scripts/cli-publish.sh</c> run again over the build the test run published (incremental, as on a developer's
/// machine). Both Native AOT builds come from one project: if they shared the folder the linker writes to, the link
/// step of the second publish would be skipped as up to date and both files would be the front — which then hands
/// every command line to itself.
/// </summary>
[NonParallelizable]
public class CliPublishAgainTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(15);

    private string _out = null!;

    [SetUp]
    public void MakeTheOutputDirectory() => _out = Directory.CreateTempSubdirectory("cli-publish-again-").FullName;

    [TearDown]
    public void DeleteTheOutputDirectory() => Directory.Delete(_out, recursive: true);

    [Test]
    public async Task Publishing_the_pair_again_gives_a_front_and_a_full_binary_again()
    {
        // Fails, naming scripts/test.sh, unless the test run published the pair first (this publish is then incremental).
        _ = CliRunner.Binary;
        await PublishAsync();
        var front = Path.Combine(_out, "constellation");
        var full = Path.Combine(_out, "constellation-full");

        var frontBytes = await File.ReadAllBytesAsync(front);
        var fullBytes = await File.ReadAllBytesAsync(full);
        frontBytes.Length.Should().BeLessThan(fullBytes.Length * 7 / 10, "the front is built without the full command tree");

        // `mini --help` is the full binary's alone: through the front it must reach a full build and answer.
        var help = await CliRunner.RunBinaryAsync(front, "mini", "--help");
        help.ExitCode.Should().Be(0, help.Error);
        help.Output.Should().Contain("Usage:\n  constellation mini");
    }

    private async Task PublishAsync()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestData.Repository("scripts/cli-publish.sh"));
        start.ArgumentList.Add(_out);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/cli-publish.sh did not finish within {Bound}");
        }

        process.ExitCode.Should().Be(0, $"scripts/cli-publish.sh publishes the pair: {await output}{await error}");
    }
}
