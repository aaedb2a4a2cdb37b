using System.CommandLine;

namespace Constellation.Cli.Commands.Config;

/// <summary><c>constellation config</c>: work with the Constellation config file.</summary>
public static class ConfigCommand
{
    /// <summary>Creates the command with its subcommands.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var command = new Command("config", "Work with the Constellation configuration file (constellation-conf.yaml).");
        command.Subcommands.Add(ConfigGenerateCommand.Create());
        command.Subcommands.Add(ConfigFetchMeasurementsCommand.Create());
        return command;
    }
}
