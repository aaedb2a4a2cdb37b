using System;
using System.CommandLine;
using System.Threading.Tasks;

namespace Constellation.Cli;

/// <summary>Entry point of the <c>constellation</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The process exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> Main(string[] args) =>
        CliInvocation.InvokeAsync(
            CommandTree.Build(),
            args,
            new InvocationConfiguration(),
            showStackTraces: Environment.GetEnvironmentVariable(CliInvocation.StackTraceVariable) == "1");
}
