using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Attestation.Dummy;
using Constellation.Bootstrapper.Init;
using Constellation.Bootstrapper.Join;
using Constellation.Bootstrapper.Node;
using Constellation.Bootstrapper.NodeLock;
using Constellation.JoinService.Hosting;
using Constellation.JoinService.Keys;
using Constellation.JoinService.Verification;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>
/// <c>constellation mini up --nodes N</c> / <c>mini down</c>: a local attested cluster on loopback. The nodes run inside
/// this process (dummy variant over real aTLS); <c>up</c> inits the first node, lets the others join, verifies every
/// node, prints a summary and stops the nodes; <c>down</c> removes the cluster directory.
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
        Description = "The cluster directory (node state, kubeconfig, master secret).",
        DefaultValueFactory = _ => Path.Combine(Directory.GetCurrentDirectory(), "constellation-mini"),
    };

    private static Command CreateUp()
    {
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes (the first initialises the cluster).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary." };
        var dir = DirectoryOption();
        var command = new Command("up", "Start N nodes, init the first, join the others and verify every node.") { nodes, json, dir };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var count = parse.GetValue(nodes);
            if (count < 1)
            {
                await error.WriteLineAsync($"--nodes: expected at least 1, got {count}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            var root = Path.GetFullPath(parse.GetValue(dir)!);
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            {
                await error.WriteLineAsync($"cluster directory {root} is not empty. Hint: run `constellation mini down --dir {root}` first.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            Directory.CreateDirectory(root);
            try
            {
                var summary = await RunAsync(root, count, ct).ConfigureAwait(false);
                await WriteSummaryAsync(parse.InvocationConfiguration.Output, summary, parse.GetValue(json)).ConfigureAwait(false);
                return summary.All(s => s.Verified) ? ExitCodes.Success : ExitCodes.Rejected;
            }
            catch (Exception ex) when (ex is InitFailedException or TimeoutException or IOException or Grpc.Core.RpcException or Attestation.AttestationException)
            {
                await error.WriteLineAsync($"mini up failed: {ex.Message}. Hint: see the node directories under {root}.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
        });
        return command;
    }

    private static Command CreateDown()
    {
        var dir = DirectoryOption();
        var command = new Command("down", "Remove the local cluster's directory.") { dir };
        command.SetAction(parse =>
        {
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            if (!Directory.Exists(root))
            {
                parse.InvocationConfiguration.Output.WriteLine($"nothing to remove: {root} does not exist");
                return ExitCodes.Success;
            }

            Directory.Delete(root, recursive: true);
            parse.InvocationConfiguration.Output.WriteLine($"removed {root}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<IReadOnlyList<NodeSummary>> RunAsync(string root, int count, CancellationToken ct)
    {
        var initSecret = RandomNumberGenerator.GetBytes(32);
        var hash = InitSecretHash.Hash(initSecret);
        var metadata = Path.Combine(root, "metadata");
        var issuer = new DummyIssuer();
        var nodes = new List<BootstrapperNode>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var options = new BootstrapperNodeOptions
                {
                    NodeName = $"node-{i}",
                    StateDirectory = Path.Combine(root, $"node-{i}"),
                    InitSecretHash = hash,
                    JoinRetryInterval = TimeSpan.FromMilliseconds(250),
                    MetadataFile = metadata,
                };
                nodes.Add(await BootstrapperNode.StartAsync(
                    options, issuer, new InMemoryClusterIdRegister(), NodeTransports.Attested(issuer, new DummyValidator()),
                    new MetadataFileJoinEndpointSource(metadata), NullLoggerFactory.Instance, TimeProvider.System, ct).ConfigureAwait(false));
            }

            var master = MasterSecret.Generate();
            await master.WriteFileAsync(Path.Combine(root, "constellation-mastersecret.json"), ct).ConfigureAwait(false);
            InitResult init;
            using (var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [new DummyValidator()] }).CreateChannel(nodes[0].InitAddress))
            {
                init = await InitClient.InitAsync(channel, master, RandomNumberGenerator.GetBytes(32), initSecret, "constellation-mini", ct).ConfigureAwait(false);
            }

            await SecretFile.WriteNewAsync(Path.Combine(root, "constellation-admin.conf"), init.Kubeconfig, ct).ConfigureAwait(false);
            var summary = new List<NodeSummary>();
            foreach (var node in nodes)
            {
                var role = await node.Activation.Activated.WaitAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
                using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(node.VerifyGrpcAddress);
                var result = await VerificationClient.VerifyAsync(channel, new DummyValidator(), ct).ConfigureAwait(false);
                summary.Add(new NodeSummary(node.Options.NodeName, role.ToString(), result.Variant.Name, true, node.VerifyGrpcAddress));
            }

            return summary;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteSummaryAsync(TextWriter output, IReadOnlyList<NodeSummary> summary, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(summary.Select(s => new { name = s.Name, role = s.Role, variant = s.Variant, verified = s.Verified }))).ConfigureAwait(false);
            return;
        }

        var table = new Table().AddColumns("Node", "Role", "Variant", "Verify");
        foreach (var node in summary)
        {
            table.AddRow(node.Name, node.Role, node.Variant, node.Verified ? "ok" : "FAILED");
        }

        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }).Write(table);
    }

    private sealed record NodeSummary(string Name, string Role, string Variant, bool Verified, string VerifyAddress);
}
