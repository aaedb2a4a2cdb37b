using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Constellation.Cli;

/// <summary>
/// How the front binary passes a command line it does not hold to the full binary: by <c>execv</c>, so the full binary
/// replaces the front in the same process. The exit code, the standard streams, signals (Ctrl+C) and the parent's
/// view of the process are the ones the full binary gives; nothing is copied or relayed. The front serves a command
/// line only when its first argument names one of its own commands; anything else (no arguments, a root option such
/// as <c>--help</c> or <c>--version</c>, a response file, an unknown or misspelt command) goes to the full binary, so
/// every answer is the full CLI's answer.
/// </summary>
internal static partial class FullCliHandOver
{
    /// <summary>Whether the front runs <paramref name="args"/> itself: their first argument names one of its commands.</summary>
    /// <param name="front">The front's command tree.</param>
    /// <param name="args">The command line.</param>
    /// <returns>True to run it in the front; false to hand it to the full binary.</returns>
    public static bool ServesItself(RootCommand front, IReadOnlyList<string> args) =>
        args.Count > 0 && front.Subcommands.Any(command => command.Name == args[0] || command.Aliases.Contains(args[0]));

    /// <summary>
    /// Set in the environment of the process the front hands over, so that a front build in place of
    /// <c>constellation-full</c> (a broken publish or install) refuses at once instead of exec'ing itself forever. The full
    /// build removes it (<see cref="ForgetHandOver"/>), so the processes it starts do not inherit it.
    /// </summary>
    public const string HandedOverVariable = "CONSTELLATION_CLI_HANDED_OVER";

    /// <summary>The full binary's path: <see cref="CliEdition.FullBinaryName"/> in the front's own directory.</summary>
    public static string FullBinaryPath => Path.Combine(AppContext.BaseDirectory, CliEdition.FullBinaryName);

    /// <summary>Replaces this process with the full binary running <paramref name="args"/>.</summary>
    /// <param name="front">The front's command tree (its commands are named when the full binary is missing).</param>
    /// <param name="args">The command line, as given.</param>
    /// <param name="error">Where the reason goes when the full binary cannot be started.</param>
    /// <returns>Only on failure: <see cref="ExitCodes.InternalError"/> (the installation is incomplete; nothing ran).</returns>
    public static int Run(RootCommand front, IReadOnlyList<string> args, TextWriter error)
    {
        var path = FullBinaryPath;
        var command = args.Count > 0 && !args[0].StartsWith('-') ? $"'constellation {args[0]}'" : "this command line";
        if (!File.Exists(path))
        {
            error.WriteLine(
                $"error: {command} is run by {path}, which is missing: this constellation binary holds only the commands " +
                $"{string.Join(", ", front.Subcommands.Select(subcommand => subcommand.Name))}; install both files from the publish (scripts/cli-publish.sh) side by side.");
            return ExitCodes.InternalError;
        }

        if (Environment.GetEnvironmentVariable(HandedOverVariable) is not null)
        {
            error.WriteLine(
                $"error: {command} was handed to {path}, but that file is a front build too, not the full CLI (it would hand the " +
                "command line to itself again); republish both files with scripts/cli-publish.sh.");
            return ExitCodes.InternalError;
        }

        // .NET keeps its own copy of the environment; execv passes the C library's, so the mark is set there.
        if (SetEnv(HandedOverVariable, "1", overwrite: 1) != 0)
        {
            var setEnvErrno = Marshal.GetLastPInvokeError();
            error.WriteLine($"error: {command} could not be handed to {path}: setenv failed: {Marshal.GetPInvokeErrorMessage(setEnvErrno)} (errno {setEnvErrno}).");
            return ExitCodes.InternalError;
        }

        // argv[0] stays the name the front was invoked by, so the full binary's help and usage lines say `constellation`.
        var argv = new string?[args.Count + 2];
        argv[0] = Environment.GetCommandLineArgs()[0];
        for (var i = 0; i < args.Count; i++)
        {
            argv[i + 1] = args[i];
        }

        // argv ends with a null pointer, as execv requires.
        _ = Execv(path, argv);
        var errno = Marshal.GetLastPInvokeError();
        error.WriteLine($"error: {command} is run by {path}, which could not be started: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        return ExitCodes.InternalError;
    }

    /// <summary>In the full build: removes the hand-over mark, so that a front the full CLI starts runs normally.</summary>
    public static void ForgetHandOver() => Environment.SetEnvironmentVariable(HandedOverVariable, null);

    [LibraryImport("libc", EntryPoint = "execv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Execv(string path, string?[] argv);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
