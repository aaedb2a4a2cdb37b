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
/// <c>constellation mini up|status|add|restart|remove|logs|down</c>: a local attested cluster whose nodes are their own
/// <c>constellation-bootstrapper</c> processes (each with its own swtpm, measured launch and state directory, in its own
/// network namespace where the machine allows) that keep running after <c>up</c> returns; <c>down</c> stops every
/// process and removes every namespace it made. The work is in <see cref="MiniCluster"/>.
/// </summary>
public static class MiniCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var mini = new Command("mini", "Run a local attested cluster on this machine (nodes keep running until `mini down`).");
        mini.Subcommands.Add(CreateUp());
        mini.Subcommands.Add(CreateStatus());
        mini.Subcommands.Add(CreateAdd());
        mini.Subcommands.Add(CreateRestart());
        mini.Subcommands.Add(CreateRemove());
        mini.Subcommands.Add(CreateLogs());
        mini.Subcommands.Add(CreateDown());
        mini.Subcommands.Add(CreateMeasurements());
        return mini;
    }

    private static Option<string> DirectoryOption() => new("--dir")
    {
        Description = "The cluster directory (node state, logs, constellation-conf.yaml, kubeconfig, master secret, mini-state.json).",
        DefaultValueFactory = _ => Path.Combine(Directory.GetCurrentDirectory(), "constellation-mini"),
    };

    private static Option<string?> BootstrapperDirectoryOption() => new("--bootstrapper-dir")
    {
        Description = "The published node image (constellation-bootstrapper and constellation-cluster-services; default: artifacts/node-image from scripts/node-image.sh).",
    };

    private static Option<string?> VmImageOption() => new("--vm-image")
    {
        Description = "With --qemu: the VM image the nodes boot (scripts/vm-image.sh, its firmware reference from scripts/vm-image-reference.sh; default: artifacts/vm-image).",
    };

    private static Command CreateUp()
    {
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes (the first initialises the cluster).", DefaultValueFactory = _ => 3 };
        var controlPlanes = new Option<int>("--control-planes") { Description = "How many of them are control planes (the first K).", DefaultValueFactory = _ => 1 };
        var variantOption = new Option<string>("--variant")
        {
            Description = "A variant whose issuer runs on a software TPM (qemu-vtpm: each node on its own swtpm, measured at launch) or on nothing (dummy).",
            DefaultValueFactory = _ => AttestationVariant.QemuVtpm.Name,
        };
        var noInit = new Option<bool>("--no-init") { Description = "Start the nodes but do not init (run `constellation init` against node-0 yourself)." };
        var json = new Option<bool>("--json") { Description = "Print {\"nodes\":[{name, role, pid, initEndpoint, verifyEndpoint, verify}]}." };
        var network = new Option<string?>("--network") { Description = "netns (a namespace per node; default where the machine allows) or loopback (a 127.x.y.z per node)." };
        var bootstrapperDir = BootstrapperDirectoryOption();
        var qemu = new Option<bool>("--qemu") { Description = "Each node a QEMU VM (OVMF, swtpm vTPM, its own state disk; KVM where the machine runs guests, else TCG) booting --vm-image." };
        var vmImage = VmImageOption();
        var dir = DirectoryOption();
        var command = new Command("up", "Start N nodes, init the first, wait until all joined, verify each, and leave them running.")
        {
            nodes, controlPlanes, variantOption, noInit, json, network, bootstrapperDir, qemu, vmImage, dir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            try
            {
                var count = parse.GetValue(nodes);
                var planes = parse.GetValue(controlPlanes);
                if (count < 1)
                {
                    throw new UnusableInputException($"--nodes: expected at least 1, got {count}", "pass --nodes 1 or more");
                }

                if (planes < 1 || planes > count)
                {
                    throw new UnusableInputException($"--control-planes: expected 1 to {count}, got {planes}", "the first node is a control plane");
                }

                var definition = CliVariants.Parse(parse.GetValue(variantOption)!, "--variant");

                // Each node gets a software TPM and nothing else: the variant runs here if its issuer can be built from that.
                var (issuing, needsTpm) = MiniCluster.Issuing(definition);
                if (!issuing.IsAvailable)
                {
                    throw new UnusableInputException(
                        $"--variant {definition.Variant.Name}: a local cluster's nodes cannot issue it ({issuing.Reason})",
                        "a local cluster offers each node a software TPM; run `constellation variants` to see what can be issued");
                }

                if (needsTpm && !OnPath("swtpm"))
                {
                    throw new UnusableInputException($"swtpm is not installed; {definition.Variant.Name} nodes need one software TPM each", "apt-get install swtpm swtpm-tools, or run with --variant dummy");
                }

                var vms = parse.GetValue(qemu);
                if (!vms && parse.GetValue(vmImage) is not null)
                {
                    throw new UnusableInputException("--vm-image: expected together with --qemu, got it alone", "add --qemu, or leave out --vm-image");
                }

                if (vms)
                {
                    RequireVmTools(definition, parse.GetValue(network));
                }
                else if (!OnPath("etcd"))
                {
                    throw new UnusableInputException("etcd is not installed; the control planes keep the cluster store on it", "apt-get install etcd-server etcd-client");
                }

                var bootstrapper = vms ? string.Empty : MiniNodeLauncher.RequireBootstrapperDirectory(parse.GetValue(bootstrapperDir), "--bootstrapper-dir");
                var baseImage = vms ? MiniVmImage.RequireBaseImage(parse.GetValue(vmImage), "--vm-image") : null;
                if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
                {
                    throw new UnusableInputException($"cluster directory {root} is not empty", $"run `constellation mini down --dir {root}` first");
                }

                var mode = await NetworkModeAsync(parse.GetValue(network), error, ct).ConfigureAwait(false);
                if (vms && mode != MiniNetwork.Netns)
                {
                    throw new UnusableInputException("--qemu: VM nodes need network namespaces (a tap device per VM on the cluster's bridge), which this machine cannot make", "run as root on Linux");
                }

                if (!vms && mode == MiniNetwork.Netns && !(OnPath("wireguard-go") && OnPath("wg")))
                {
                    throw new UnusableInputException("wireguard-go or wg is not installed; nodes in namespaces join the cluster's WireGuard VPN", "apt-get install wireguard-go wireguard-tools, or run with --network loopback (no VPN)");
                }

                Directory.CreateDirectory(root);
                var state = new MiniClusterState
                {
                    Variant = definition.Variant.Name,
                    MeasuredLaunch = needsTpm,
                    BootstrapperDirectory = bootstrapper,
                    Network = await MiniNetwork.CreateAsync(mode, ct).ConfigureAwait(false),
                };
                if (baseImage is not null)
                {
                    var (accelerator, whyNot) = await MiniVmLauncher.ProbeKvmAsync(baseImage, root, ct).ConfigureAwait(false);
                    state.Vm = new MiniVmSettings { ImageDirectory = baseImage, Accelerator = accelerator, WhyNotKvm = whyNot };
                    await error.WriteLineAsync(accelerator == "kvm"
                        ? "mini up: the VMs run under KVM"
                        : $"mini up: the VMs run under TCG (software emulation; KVM is not usable here: {whyNot})").ConfigureAwait(false);
                }

                var cluster = new MiniCluster(root, state, Progress(error, parse.GetValue(json)));
                var summary = await cluster.UpAsync(definition, count, planes, !parse.GetValue(noInit), ct).ConfigureAwait(false);
                await WriteSummaryAsync(parse.InvocationConfiguration.Output, summary, parse.GetValue(json), root, state).ConfigureAwait(false);
                return summary.All(s => s.Verify is "ok" or "not initialized") ? ExitCodes.Success : ExitCodes.Rejected;
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"mini up: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (Exception ex) when (IsRuntimeFailure(ex))
            {
                await error.WriteLineAsync($"mini up failed: {ex.Message}. Hint: see the logs with `constellation mini logs NODE --dir {root}`; clean up with `constellation mini down --dir {root}`.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
        });
        return command;
    }

    private static Command CreateStatus()
    {
        var json = new Option<bool>("--json") { Description = "Print {\"nodes\":[{name, role, state, pid, initEndpoint, verifyEndpoint, namespace, netns, vpnIp, peers, etcdMember}]}." };
        var dir = DirectoryOption();
        var command = new Command("status", "Show each node: running / joined / stopped, pid, endpoints.") { json, dir };
        command.SetAction(async (parse, ct) => await WithClusterAsync(parse, dir, "status", async (root, state) =>
        {
            var rows = state.Nodes.Select(n =>
            {
                var running = n.Bootstrapper is { IsRunning: true };
                var reported = MiniNodeLauncher.StateOf(root, n);
                var (vpnIp, peers, etcdMember) = running ? MiniNodeLauncher.NetworkOf(root, n) : (null, 0, false);
                return new MiniStatusNodeJson(
                    n.Name,
                    n.Role,
                    n.Removed ? "removed" : running ? reported ?? "starting" : "stopped",
                    running ? n.Bootstrapper!.Pid : null,
                    n.InitEndpoint,
                    n.VerifyEndpoint,
                    n.Namespace,
                    n.Namespace,
                    vpnIp,
                    peers,
                    etcdMember);
            }).ToList();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new MiniStatusJson(rows), CliJsonContext.Default.MiniStatusJson)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Node", "Role", "State", "PID", "Init", "Verify", "VPN", "Peers", "etcd");
            foreach (var row in rows)
            {
                table.AddRow(
                    row.Name, row.Role, row.State, row.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", row.InitEndpoint, row.VerifyEndpoint,
                    row.VpnIp ?? "-", row.Peers.ToString(System.Globalization.CultureInfo.InvariantCulture), row.EtcdMember ? "member" : "-");
            }

            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }).Write(table);
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command CreateAdd()
    {
        var controlPlane = new Option<bool>("--control-plane") { Description = "Add a control-plane node (default: a worker)." };
        var joinVia = new Option<string?>("--join-via") { Description = "Join through this control plane only (e.g. node-1; default: every other control plane, in turn)." };
        var bootstrapperDir = BootstrapperDirectoryOption();
        var vmImage = VmImageOption();
        vmImage.Description = "For a cluster of VMs: the VM image the node boots (default: the cluster's; another image is refused by the join service, naming the PCR).";
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var dir = DirectoryOption();
        var command = new Command("add", "Add a node, measured from the files of its --bootstrapper-dir (another build is refused by the join service, naming the PCR).")
        {
            controlPlane, bootstrapperDir, vmImage, json, dir, joinVia,
        };
        command.SetAction(async (parse, ct) => await WithClusterAsync(parse, dir, "add", async (root, state) =>
        {
            var definition = CliVariants.Parse(state.Variant, "mini-state.json variant");
            string bootstrapper;
            string? image = null;
            if (state.Vm is { } vm)
            {
                bootstrapper = parse.GetValue(bootstrapperDir) is null
                    ? string.Empty
                    : throw new UnusableInputException("--bootstrapper-dir: this cluster's nodes are VMs, which boot a VM image", "pass --vm-image instead");
                image = MiniVmImage.RequireBaseImage(parse.GetValue(vmImage) ?? vm.ImageDirectory, "--vm-image");
                MiniVmImage.RequireMachine(image, MiniVmLauncher.MachineProfile(vm.MemoryMiB));
            }
            else
            {
                bootstrapper = parse.GetValue(vmImage) is null
                    ? MiniNodeLauncher.RequireBootstrapperDirectory(parse.GetValue(bootstrapperDir) ?? state.BootstrapperDirectory, "--bootstrapper-dir")
                    : throw new UnusableInputException("--vm-image: this cluster's nodes are processes, not VMs", "pass --bootstrapper-dir instead");
            }

            var cluster = new MiniCluster(root, state, Progress(parse.InvocationConfiguration.Error, parse.GetValue(json)));
            var summary = await cluster.AddAsync(definition, parse.GetValue(controlPlane), bootstrapper, image, parse.GetValue(joinVia), ct).ConfigureAwait(false);
            await WriteSummaryAsync(parse.InvocationConfiguration.Output, [summary], parse.GetValue(json), root, state).ConfigureAwait(false);
            return summary.Verify == "ok" ? ExitCodes.Success : ExitCodes.Rejected;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command CreateRestart()
    {
        var node = new Argument<string?>("NODE") { Description = "The node to restart (e.g. node-2).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Stop every node, then start every node (a whole-cluster restart; recover node-0 with `constellation recover`)." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the daemons run, without waiting until they rejoined." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var dir = DirectoryOption();
        var command = new Command("restart", "Stop a node, reset its TPM, measure and start it again: it rejoins with its state disk.") { node, all, noWait, json, dir };
        command.SetAction(async (parse, ct) => await WithClusterAsync(parse, dir, "restart", async (root, state) =>
        {
            var definition = CliVariants.Parse(state.Variant, "mini-state.json variant");
            // --all: the nodes that run (a node `mini add` refused stays stopped).
            var targets = parse.GetValue(all)
                ? state.Nodes.Where(n => n.Bootstrapper is not null && !n.Removed).ToList()
                : [state.Node(parse.GetValue(node) ?? throw new UnusableInputException("NODE: expected a node name, got none", "pass a node name or --all"))];
            var cluster = new MiniCluster(root, state, Progress(parse.InvocationConfiguration.Error, parse.GetValue(json)));
            var summary = await cluster.RestartAsync(definition, targets, !parse.GetValue(noWait), ct).ConfigureAwait(false);
            await WriteSummaryAsync(parse.InvocationConfiguration.Output, summary, parse.GetValue(json), root, state).ConfigureAwait(false);
            return summary.Any(s => s.Verify.StartsWith("FAILED", StringComparison.Ordinal)) ? ExitCodes.Rejected : ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command CreateRemove()
    {
        var node = new Argument<string>("NODE") { Description = "The node to remove for good (e.g. node-3)." };
        var dir = DirectoryOption();
        var command = new Command("remove", "Stop a node for good and take it out of the cluster's VPN (the other nodes drop it at their next poll).") { node, dir };
        command.SetAction(async (parse, ct) => await WithClusterAsync(parse, dir, "remove", async (root, state) =>
        {
            var record = state.Node(parse.GetValue(node)!);
            var cluster = new MiniCluster(root, state, Progress(parse.InvocationConfiguration.Error, false));
            var wasPeer = await cluster.RemoveAsync(record, ct).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"removed {record.Name}{(wasPeer ? " (and its VPN peer record)" : string.Empty)}").ConfigureAwait(false);
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command CreateLogs()
    {
        var node = new Argument<string>("NODE") { Description = "The node (e.g. node-0)." };
        var dir = DirectoryOption();
        var command = new Command("logs", "Print a node's bootstrapper log (and its cluster services', which log into it).") { node, dir };
        command.SetAction(async (parse, ct) => await WithClusterAsync(parse, dir, "logs", async (root, state) =>
        {
            var record = state.Node(parse.GetValue(node)!);
            var path = MiniLayout.BootstrapperLog(root, record.Name);
            if (File.Exists(path))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                await parse.InvocationConfiguration.Output.WriteAsync(await reader.ReadToEndAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command CreateDown()
    {
        var dir = DirectoryOption();
        var command = new Command("down", "Stop every process the cluster started, remove its namespaces and its directory.") { dir };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            if (!Directory.Exists(root))
            {
                await output.WriteLineAsync($"nothing to remove: {root} does not exist").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            return await WithClusterAsync(parse, dir, "down", async (_, state) =>
            {
                foreach (var line in await new MiniCluster(root, state, _ => { }).DownAsync(ct).ConfigureAwait(false))
                {
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                }

                Directory.Delete(root, recursive: true);
                await output.WriteLineAsync($"removed {root}").ConfigureAwait(false);
                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateMeasurements()
    {
        var bootstrapperDir = BootstrapperDirectoryOption();
        bootstrapperDir.Required = true;
        bootstrapperDir.Description = "The other node image (published as scripts/node-image.sh does) whose nodes' measurements to compute.";
        var outFile = new Option<string?>("--out") { Description = "Write the file here (a new file) instead of printing it." };
        var dir = DirectoryOption();
        var command = new Command("measurements", "Print the image measurements.json of a node of this cluster booted from another build (sign it, then `constellation upgrade apply --measurements`).")
        {
            bootstrapperDir, outFile, dir,
        };
        command.SetAction(async (parse, ct) => await WithClusterAsync(parse, dir, "measurements", async (root, state) =>
        {
            var image = MiniNodeLauncher.RequireBootstrapperDirectory(parse.GetValue(bootstrapperDir), "--bootstrapper-dir");
            var file = MiniMeasurements.For(root, state, image);
            if (parse.GetValue(outFile) is { } path)
            {
                Config.AtomicFile.CreateNew(Path.GetFullPath(path), file);
                return ExitCodes.Success;
            }

            await parse.InvocationConfiguration.Output.WriteAsync(file).ConfigureAwait(false);
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> WithClusterAsync(ParseResult parse, Option<string> dir, string name, Func<string, MiniClusterState, Task<int>> action)
    {
        var error = parse.InvocationConfiguration.Error;
        var root = Path.GetFullPath(parse.GetValue(dir)!);
        try
        {
            MiniClusterState? state;
            try
            {
                state = MiniClusterState.Read(root);
            }
            catch (JsonException ex)
            {
                throw new UnusableInputException($"{MiniClusterState.PathIn(root)} is unreadable: {ex.Message}", $"stop its processes by hand, then remove {root}");
            }

            return state is null
                ? throw new UnusableInputException($"{root}: no local cluster ({MiniClusterState.FileName} is missing)", "pass the --dir of `mini up`")
                : await action(root, state).ConfigureAwait(false);
        }
        catch (UnusableInputException ex)
        {
            await error.WriteLineAsync($"mini {name}: {ex.ToOneLine()}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (MiniNodeRefusedException ex)
        {
            await error.WriteLineAsync($"mini {name}: {ex.Message}. Hint: the node's measurements differ from the cluster's (constellation-conf.yaml); it was stopped.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
        catch (Exception ex) when (IsRuntimeFailure(ex))
        {
            await error.WriteLineAsync($"mini {name} failed: {ex.Message}. Hint: see `constellation mini logs NODE --dir {root}`.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
    }

    private static bool IsRuntimeFailure(Exception ex) =>
        ex is InitFailedException or TimeoutException or IOException or Grpc.Core.RpcException or AttestationException or InvalidOperationException or UnauthorizedAccessException;

    private static async Task<string> NetworkModeAsync(string? requested, TextWriter error, CancellationToken ct)
    {
        if (requested is not (null or MiniNetwork.Netns or MiniNetwork.Loopback))
        {
            throw new UnusableInputException($"--network: expected netns or loopback, got {requested}", "use --network loopback where network namespaces are unavailable");
        }

        if (requested == MiniNetwork.Loopback)
        {
            return MiniNetwork.Loopback;
        }

        if (await MiniNetwork.ProbeNetnsAsync(ct).ConfigureAwait(false) is { } problem)
        {
            if (requested == MiniNetwork.Netns)
            {
                throw new UnusableInputException($"--network netns: this machine cannot make network namespaces ({problem})", "run as root on Linux, or use --network loopback");
            }

            await error.WriteLineAsync($"mini up: network namespaces are unavailable ({problem}); the nodes run on loopback").ConfigureAwait(false);
            return MiniNetwork.Loopback;
        }

        return MiniNetwork.Netns;
    }

    /// <summary>Checks what VM nodes need: a variant measured on a vTPM, QEMU, OVMF, swtpm and cpio, and network namespaces.</summary>
    private static void RequireVmTools(AttestationVariantDefinition definition, string? network)
    {
        if (definition.Variant != AttestationVariant.QemuVtpm)
        {
            throw new UnusableInputException($"--qemu --variant {definition.Variant.Name}: expected qemu-vtpm (the VMs' vTPM measures their boot), got another variant", "leave out --variant");
        }

        if (network == MiniNetwork.Loopback)
        {
            throw new UnusableInputException("--qemu --network loopback: VM nodes need network namespaces (a tap device per VM on the cluster's bridge)", "leave out --network");
        }

        foreach (var (tool, package) in new[] { ("qemu-system-x86_64", "qemu-system-x86"), ("swtpm", "swtpm swtpm-tools"), ("cpio", "cpio") })
        {
            if (!OnPath(tool))
            {
                throw new UnusableInputException($"--qemu: {tool} is not installed", $"apt-get install {package}");
            }
        }

        if (!File.Exists(MiniVmLauncher.Ovmf))
        {
            throw new UnusableInputException($"--qemu: the firmware {MiniVmLauncher.Ovmf} is missing", "apt-get install ovmf");
        }
    }

    private static Action<string> Progress(TextWriter error, bool quiet) => quiet ? _ => { } : line => error.WriteLine("… " + line);

    private static bool OnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]).Any(d => File.Exists(Path.Combine(d, executable)));

    private static async Task WriteSummaryAsync(TextWriter output, IReadOnlyList<MiniNodeSummary> summary, bool json, string root, MiniClusterState state)
    {
        if (json)
        {
            var nodes = summary.Select(s => new MiniUpNodeJson(s.Name, s.Role, s.Pid, s.InitEndpoint, s.VerifyEndpoint, s.Verify)).ToList();
            await output.WriteLineAsync(JsonSerializer.Serialize(new MiniUpJson(nodes), CliJsonContext.Default.MiniUpJson)).ConfigureAwait(false);
            return;
        }

        var table = new Table().AddColumns("Node", "Role", "PID", "Init", "Verify endpoint", "Verify");
        foreach (var node in summary)
        {
            table.AddRow(node.Name, node.Role, node.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", node.InitEndpoint, node.VerifyEndpoint, Markup.Escape(node.Verify));
        }

        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }).Write(table);
        var kind = state.Vm is { } vm ? $"{state.Network.Mode}, QEMU VMs under {vm.Accelerator.ToUpperInvariant()}" : state.Network.Mode;
        await output.WriteLineAsync($"The nodes keep running ({kind}). Config: {MiniLayout.ConfigFile(root)}").ConfigureAwait(false);
        await output.WriteLineAsync($"Next: constellation verify --endpoint {summary[0].VerifyEndpoint} --config {MiniLayout.ConfigFile(root)}").ConfigureAwait(false);
        await output.WriteLineAsync($"      constellation mini status --dir {root}; constellation mini down --dir {root}").ConfigureAwait(false);
    }
}
