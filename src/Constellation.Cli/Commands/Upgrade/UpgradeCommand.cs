using System.CommandLine;

namespace Constellation.Cli.Commands.Upgrade;

/// <summary><c>constellation upgrade</c>: change what a running cluster admits.</summary>
internal static class UpgradeCommand
{
    public static Command Create()
    {
        var command = new Command("upgrade", "Upgrade a running cluster: replace the measurements new nodes are admitted by.");
        command.Subcommands.Add(UpgradeApplyCommand.Create());
        return command;
    }
}
