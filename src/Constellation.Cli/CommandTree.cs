using System.CommandLine;
using Constellation.Cli.Commands;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cli.Commands.Evidence;
using Constellation.Cli.Commands.Atls;
using Constellation.Cli.Commands.Config;

namespace Constellation.Cli;

/// <summary>Assembles the command tree. Each command lives in its own file under <c>Commands/</c>.</summary>
public static class CommandTree
{
    /// <summary>Builds the root command with every subcommand.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Build()
    {
        var root = new RootCommand("Manage and verify Constellation confidential clusters: configuration, measurements, attestation evidence and attested TLS.");
        root.Subcommands.Add(VariantsCommand.Create());
        root.Subcommands.Add(MiniCommand.Create());
        root.Subcommands.Add(EvidenceCommand.Create());
        root.Subcommands.Add(AtlsCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(Commands.Init.InitCommand.Create());
        root.Subcommands.Add(Commands.Verify.VerifyCommand.Create());
        root.Subcommands.Add(Commands.Recover.RecoverCommand.Create());
        root.Subcommands.Add(Commands.Upgrade.UpgradeCommand.Create());
        root.Subcommands.Add(Commands.Debug.DebugCommand.Create());
        return root;
    }
}
