using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cli.Commands;

namespace Constellation.Cli;

/// <summary>
/// Parses and runs a command line under the CLI's exit-code contract (<see cref="ExitCodes"/>): a usage error (unknown
/// command or option, missing or malformed value) is one line on stderr and exit 2, not System.CommandLine's help text
/// and exit 1; an exception a command does not handle is one line, never a stack trace unless asked for, and never
/// exit 0 or a code that reads as a verdict it did not reach.
/// </summary>
internal static class CliInvocation
{
    /// <summary>The environment variable that, set to 1, prints the stack trace of an internal error.</summary>
    public const string StackTraceVariable = "CONSTELLATION_DEBUG";

    /// <summary>Parses <paramref name="args"/> with <paramref name="root"/> and runs the selected command.</summary>
    /// <param name="root">The command tree.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="configuration">Output and error writers and the termination timeout (not modified).</param>
    /// <param name="showStackTraces">Print the full exception of an internal error (for debugging).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> InvokeAsync(
        RootCommand root, IReadOnlyList<string> args, InvocationConfiguration configuration, bool showStackTraces = false, CancellationToken cancellationToken = default)
    {
        var error = configuration.Error;
        var invocation = new InvocationConfiguration
        {
            Output = configuration.Output,
            Error = error,
            ProcessTerminationTimeout = configuration.ProcessTerminationTimeout,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var parse = root.Parse(args);
            if (parse.Action is null or ParseErrorAction)
            {
                await error.WriteLineAsync(UsageError(parse)).ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var (exitCode, line) = Classify(ex);
            await error.WriteLineAsync(line).ConfigureAwait(false);
            if (showStackTraces && exitCode == ExitCodes.InternalError)
            {
                await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return exitCode;
        }
    }

    private static string UsageError(ParseResult parse)
    {
        var reasons = parse.Errors.Count == 0 ? "no command given" : string.Join("; ", parse.Errors.Select(e => OneLine(e.Message).TrimEnd('.')));
        return $"error: {reasons}. See '{CommandPath(parse.CommandResult)} --help'.";
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is CommandResult result; current = result.Parent)
        {
            names.Add(result.Parent is null ? "constellation" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    // The command handles what it expects; this is the net below it. Library exceptions still say which side failed.
    private static (int ExitCode, string Line) Classify(Exception ex) => ex switch
    {
        UnusableInputException unusable => (ExitCodes.UnusableInput, $"error: {unusable.ToOneLine()}"),
        AttestationFormatException or CollateralUnavailableException => (ExitCodes.UnusableInput, $"error: {OneLine(ex.Message)}"),
        AttestationException => (ExitCodes.Rejected, $"rejected: {OneLine(ex.Message)}"),
        OperationCanceledException => (ExitCodes.Interrupted, "error: interrupted before the command finished"),
        _ => (ExitCodes.InternalError,
            $"error: internal error ({ex.GetType().Name}): {OneLine(ex.Message)}. This is a bug in constellation; set {StackTraceVariable}=1 to print the stack trace."),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
