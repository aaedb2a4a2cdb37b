using System.CommandLine;

namespace Constellation.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output, through the same invocation as <c>Program.Main</c>.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        var exitCode = await CliInvocation.InvokeAsync(CommandTree.Build(), args, configuration);
        return (exitCode, output.ToString(), error.ToString());
    }
}
