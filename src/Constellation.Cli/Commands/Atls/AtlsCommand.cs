using System.CommandLine;

namespace Constellation.Cli.Commands.Atls;

/// <summary><c>constellation atls</c>: attested-TLS debugging tools, the aTLS counterparts of <c>openssl s_server</c>/<c>s_client</c>.</summary>
public static class AtlsCommand
{
    /// <summary>Creates the command with its subcommands.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var command = new Command("atls", "Attested TLS debugging tools: serve an aTLS endpoint or probe one.");
        command.Subcommands.Add(AtlsServeCommand.Create());
        command.Subcommands.Add(AtlsProbeCommand.Create());
        return command;
    }
}
