using System.CommandLine;

namespace Constellation.Cli.Commands.Debug;

/// <summary><c>constellation debug key|deploy|logs|info</c>: work with the debug daemon of a debug node image.</summary>
internal static class DebugCommand
{
    public static Command Create() => new("debug", "Work with debug node images: make the debug key, deploy a locally built bootstrapper, read its output.")
    {
        DebugKeyCommand.Create(),
        DebugDeployCommand.Create(),
        DebugLogsCommand.Create(),
        DebugInfoCommand.Create(),
    };
}
