using System;
using System.IO;
using System.Threading.Tasks;
using Spectre.Console;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// A spinner on the error stream for long steps, shown only on an interactive terminal so that redirected output (CI,
/// scripts, tests) carries nothing but the result and one line per error.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(TextWriter error, string status, Func<Task<T>> step)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        if (!console.Profile.Capabilities.Interactive || Console.IsErrorRedirected || !ReferenceEquals(error, Console.Error))
        {
            return await step().ConfigureAwait(false);
        }

        return await console.Status().StartAsync(status, _ => step()).ConfigureAwait(false);
    }
}
