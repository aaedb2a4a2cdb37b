using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.Init;
using Spectre.Console;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// <c>constellation mini up --nodes N</c> / <c>mini down</c>: a local attested cluster on loopback. The nodes run inside
/// this process; with the default <c>qemu-vtpm</c> variant each attests with its own <c>swtpm</c> (started by this
/// command, PIDs in <c>mini-state.json</c>); <c>up</c> inits the first node, lets the others join, verifies every node,
/// prints a summary and stops the nodes (the swtpm instances keep their state until <c>down</c>); <c>down</c> stops the
/// swtpm processes and removes their state and the cluster directory.
/// </summary>
public static class MiniCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var mini = new Command("mini", "Run a local attested cluster on this machine.");
        mini.Subcommands.Add(CreateUp());
        mini.Subcommands.Add(CreateDown());
        return mini;
    }

    private static Option<string> DirectoryOption() => new("--dir")
    {
        Description = "The cluster directory (node state, kubeconfig, master secret, mini-state.json).",
        DefaultValueFactory = _ => Path.Combine(Directory.GetCurrentDirectory(), "constellation-mini"),
    };

    private static Command CreateUp()
    {
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes (the first initialises the cluster).", DefaultValueFactory = _ => 3 };
        var variantOption = new Option<string>("--variant")
        {
            Description = "A variant whose issuer runs on a software TPM (qemu-vtpm: each node on its own swtpm) or on nothing (dummy).",
            DefaultValueFactory = _ => AttestationVariant.QemuVtpm.Name,
        };
        var swtpmOption = new Option<string?>("--swtpm") { Description = "The swtpm executable (default: swtpm on PATH)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary: each node's name, role, variant and verify result." };
        var dir = DirectoryOption();
        var command = new Command("up", "Start N nodes, init the first, join the others and verify every node.") { nodes, variantOption, swtpmOption, json, dir };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var count = parse.GetValue(nodes);
            if (count < 1)
            {
                await error.WriteLineAsync($"mini up: --nodes: expected at least 1, got {count}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            AttestationVariantDefinition definition;
            try
            {
                definition = CliVariants.Parse(parse.GetValue(variantOption)!, "--variant");
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"mini up: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            // Each node gets a software TPM and nothing else: the variant runs here if its issuer can be built from that.
            var (issuing, needsTpm) = MiniCluster.Issuing(definition);
            if (!issuing.IsAvailable)
            {
                await error.WriteLineAsync(
                    $"mini up: --variant {definition.Variant.Name}: a local cluster's nodes cannot issue it ({issuing.Reason}). Hint: a local cluster offers each node a software TPM; run `constellation variants` to see what can be issued.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            string? swtpm = null;
            if (needsTpm && (swtpm = SwtpmInstance.Find(parse.GetValue(swtpmOption))) is null)
            {
                var where = parse.GetValue(swtpmOption) is { } given ? $"{given} does not exist" : "it is not on PATH";
                await error.WriteLineAsync($"mini up: swtpm is not installed ({where}); {definition.Variant.Name} nodes need one software TPM each. Hint: apt-get install swtpm swtpm-tools, or run with --variant dummy.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            var root = Path.GetFullPath(parse.GetValue(dir)!);
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            {
                await error.WriteLineAsync($"mini up: cluster directory {root} is not empty. Hint: run `constellation mini down --dir {root}` first.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            Directory.CreateDirectory(root);
            try
            {
                var summary = await MiniCluster.RunAsync(root, count, definition, swtpm, _ => { }, ct).ConfigureAwait(false);
                await WriteSummaryAsync(parse.InvocationConfiguration.Output, summary, parse.GetValue(json), root).ConfigureAwait(false);
                return summary.All(s => s.Verified) ? ExitCodes.Success : ExitCodes.Rejected;
            }
            catch (Exception ex) when (ex is InitFailedException or TimeoutException or IOException or Grpc.Core.RpcException or AttestationException or InvalidOperationException)
            {
                await error.WriteLineAsync($"mini up failed: {ex.Message}. Hint: see {root}; run `constellation mini down --dir {root}` to clean up.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
        });
        return command;
    }

    private static Command CreateDown()
    {
        var dir = DirectoryOption();
        var command = new Command("down", "Stop the local cluster's swtpm processes and remove its directories.") { dir };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            if (!Directory.Exists(root))
            {
                await output.WriteLineAsync($"nothing to remove: {root} does not exist").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            MiniState? state;
            try
            {
                state = await MiniState.ReadAsync(root, ct).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"mini down: {MiniState.PathIn(root)} is unreadable: {ex.Message}. Hint: stop its swtpm processes by hand, then remove {root}.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            foreach (var swtpm in state?.Swtpm ?? [])
            {
                await swtpm.StopAsync().ConfigureAwait(false);
                await output.WriteLineAsync($"stopped swtpm of {swtpm.Node} (pid {swtpm.Pid}) and removed {swtpm.StateDirectory}").ConfigureAwait(false);
            }

            Directory.Delete(root, recursive: true);
            await output.WriteLineAsync($"removed {root}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WriteSummaryAsync(TextWriter output, IReadOnlyList<MiniNodeSummary> summary, bool json, string root)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(summary.Select(s => new { name = s.Name, role = s.Role, variant = s.Variant, verified = s.Verified, error = s.Error }))).ConfigureAwait(false);
            return;
        }

        var table = new Table().AddColumns("Node", "Role", "Variant", "Verify");
        foreach (var node in summary)
        {
            table.AddRow(node.Name, node.Role, node.Variant, node.Verified ? "ok" : Markup.Escape($"FAILED: {node.Error}"));
        }

        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }).Write(table);
        await output.WriteLineAsync($"Kubeconfig and master secret (0600) in {root}; stop with `constellation mini down --dir {root}`.").ConfigureAwait(false);
    }
}
