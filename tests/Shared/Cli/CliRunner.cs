using System.Diagnostics;

namespace Constellation.Tests.Cli;

/// <summary>
/// Runs the CLI as users run it: the published Native AOT binary, as a process, with captured output. The test command
/// (<c>scripts/test.sh</c>) publishes it and names it in <c>CONSTELLATION_CLI</c>; without it the tests fail, never fall
/// back to an in-process run (that would test the JIT build, not the binary users install). BCL only: this file is
/// compiled into every test project (the CLI tests and the interop tests that drive the CLI use it).
/// </summary>
internal static class CliRunner
{
    public const string BinaryVariable = "CONSTELLATION_CLI";

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    public static string Binary
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(BinaryVariable);
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"{BinaryVariable} does not name the published CLI binary (got \"{path}\"); run the tests with scripts/test.sh, which publishes it (Native AOT) into artifacts/cli first");
            }

            return path;
        }
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunBinaryAsync(Binary, args);

    /// <summary>The full build beside the published front (<c>scripts/cli-publish.sh</c> installs the two together).</summary>
    public static string FullBinary => Path.Combine(Path.GetDirectoryName(Binary)!, "constellation-full");

    public static async Task<(int ExitCode, string Output, string Error)> RunBinaryAsync(string binary, params string[] args)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Bound);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"constellation {string.Join(' ', args)} did not finish within {Bound}");
        }

        return (process.ExitCode, await output, await error);
    }
}
