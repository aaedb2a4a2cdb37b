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
    private const string Description =
        "Manage and verify Constellation confidential clusters: configuration, measurements, attestation evidence and attested TLS.";

    /// <summary>Builds the root command with every subcommand.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Build()
    {
        var root = BuildFront();
        root.Subcommands.Add(MiniCommand.Create());
        root.Subcommands.Add(AtlsCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(Commands.Init.InitCommand.Create());
        root.Subcommands.Add(Commands.Verify.VerifyCommand.Create());
        root.Subcommands.Add(Commands.Recover.RecoverCommand.Create());
        root.Subcommands.Add(Commands.Upgrade.UpgradeCommand.Create());
        root.Subcommands.Add(Commands.Debug.DebugCommand.Create());
        return root;
    }

    /// <summary>
    /// Builds the root command with only the commands the front binary runs itself: the offline evidence commands and
    /// the variant list, which scripts call in loops. They need no cluster, cloud or server code, so the front binary
    /// is built without it and starts in about the time and memory the C tools take. Every other command line goes to
    /// the full binary (see <see cref="Build"/>), which holds these commands too.
    /// </summary>
    /// <returns>The root command.</returns>
    public static RootCommand BuildFront()
    {
        var root = new RootCommand(Description);
        root.Subcommands.Add(VariantsCommand.Create());
        root.Subcommands.Add(EvidenceCommand.Create());
        return root;
    }
}
