using System.CommandLine;

namespace Constellation.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        var exitCode = await CommandTree.Build().Parse(args).InvokeAsync(configuration);
        return (exitCode, output.ToString(), error.ToString());
    }
}
