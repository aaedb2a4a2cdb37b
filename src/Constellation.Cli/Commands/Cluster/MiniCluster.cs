using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.MeasuredLaunch;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>One node's line in the summary.</summary>
internal sealed record MiniNodeSummary(string Name, string Role, int? Pid, string InitEndpoint, string VerifyEndpoint, string Verify);

/// <summary>
/// A local cluster that keeps running: every node is its own <c>constellation-bootstrapper</c> process with its own
/// swtpm and state directory (in its own network namespace with <c>--network netns</c>), measured at launch from the
/// files it boots. The expected measurements are computed from the files before any node starts and published as the
/// join policy and in <c>constellation-conf.yaml</c>; the CLI inits node-0 over aTLS, waits until every node joined,
/// verifies each with a fresh nonce and returns with the cluster running.
/// </summary>
internal sealed class MiniCluster
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    /// <summary>A step's bound when the nodes are VMs: under TCG every guest instruction is emulated, two guests share the cores.</summary>
    public static readonly TimeSpan VmStepTimeout = TimeSpan.FromMinutes(10);

    private readonly string _root;
    private readonly Action<string> _progress;

    public MiniCluster(string root, MiniClusterState state, Action<string> progress)
    {
        _root = root;
        State = state;
        _progress = progress;
    }

    public MiniClusterState State { get; }

    private TimeSpan Step => State.Vm is null ? StepTimeout : VmStepTimeout;

    /// <summary>What a node of the local cluster offers its issuer: nothing, or its own software TPM.</summary>
    public static VariantIssuerServices SoftwareTpm(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm) =>
        new() { OpenTpm = openTpm, VtpmIssuerOptions = new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) } };

    /// <summary>
    /// Whether the variant's nodes need a software TPM each: their issuer cannot be built from nothing but can from a TPM.
    /// A variant whose issuer needs neither (dummy) runs without one; any other cannot run in a local cluster.
    /// </summary>
    public static (VariantCapability Capability, bool NeedsTpm) Issuing(AttestationVariantDefinition definition)
    {
        var bare = definition.GetIssuerCapability(VariantIssuerServices.None);
        return bare.IsAvailable
            ? (bare, false)
            : (definition.GetIssuerCapability(SoftwareTpm(_ => throw new InvalidOperationException("the capability check opens no TPM"))), true);
    }

    public Task SaveAsync() => State.WriteAsync(_root, CancellationToken.None);

    /// <summary>Creates the cluster: network, boot configuration, expected measurements, policy, nodes; then init, join, verify.</summary>
    public async Task<IReadOnlyList<MiniNodeSummary>> UpAsync(AttestationVariantDefinition definition, int count, int controlPlanes, bool init, CancellationToken ct)
    {
        await SaveAsync().ConfigureAwait(false);
        await State.Network.SetUpAsync(SaveAsync, ct).ConfigureAwait(false);

        var initSecret = RandomNumberGenerator.GetBytes(32);
        await SecretFile.WriteNewAsync(MiniLayout.InitSecret(_root), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(initSecret)), ct).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(MiniLayout.BootConfiguration(_root))!);
        var bootConfiguration = State.Vm is null ? BootConfiguration(definition, InitSecretHash.Hash(initSecret)) : MiniVmBootConfiguration.Create(definition, InitSecretHash.Hash(initSecret));
        await File.WriteAllBytesAsync(MiniLayout.BootConfiguration(_root), bootConfiguration, ct).ConfigureAwait(false);

        _progress("computing the expected measurements from the files");
        var measurements = State.Vm is { } vm
            ? await VmMeasurementsAsync(definition, vm.ImageDirectory, ct).ConfigureAwait(false)
            : State.MeasuredLaunch
            ? MiniNodeLauncher.ExpectedMeasurements(_root, State.BootstrapperDirectory)
            : MeasurementSet.Empty;
        var config = new MeasurementsAttestationConfig(definition, measurements);
        await JoinServicePolicy.PublishAsync(new ConfigMapDirectory(MiniLayout.JoinConfig(_root)), config, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_root, "measurements.json"), MeasurementJson.Serialize(measurements), ct).ConfigureAwait(false);
        await WriteConfigFileAsync(definition, measurements, ct).ConfigureAwait(false);

        for (var i = 0; i < count; i++)
        {
            await AddRecordAsync(i < controlPlanes, State.BootstrapperDirectory, State.Vm?.ImageDirectory, ct).ConfigureAwait(false);
        }

        foreach (var node in State.Nodes)
        {
            _progress($"starting {node.Name} ({node.Address})");
            await MiniNodeLauncher.StartAsync(_root, State, node, SaveAsync, ct).ConfigureAwait(false);
        }

        if (!init)
        {
            await Task.WhenAll(State.Nodes.Select(n => WaitForStateAsync(n, ["awaiting-init", "joining"], ct))).ConfigureAwait(false);
            return Summaries(State.Nodes.ToDictionary(n => n.Name, _ => "not initialized"));
        }

        var first = State.Nodes[0];
        _progress($"init on {first.Name} over aTLS");
        var master = MasterSecret.Generate();
        await master.WriteFileAsync(Path.Combine(_root, Init.InitCommand.MasterSecretFileName), ct).ConfigureAwait(false);
        using var variants = new CliVariants();
        var validator = ClusterAttestation.CreateValidator(LoadConfig(definition), variants);
        // A control plane serves init while it also tries to join the other control planes (Constellation does both).
        await WaitForStateAsync(first, ["awaiting-init", "joining"], ct).ConfigureAwait(false);
        InitResult result;
        using (var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator] }).CreateChannel(first.InitEndpoint))
        {
            result = await InitClient.InitAsync(channel, master, RandomNumberGenerator.GetBytes(32), initSecret, "constellation-mini", ct)
                .WaitAsync(Step, ct).ConfigureAwait(false);
        }

        await SecretFile.WriteNewAsync(Path.Combine(_root, Init.InitCommand.KubeconfigFileName), result.Kubeconfig, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_root, "cluster-id"), Convert.ToHexStringLower(result.ClusterId.Span) + "\n", ct).ConfigureAwait(false);
        return await VerifyAllAsync(definition, State.Nodes, ct).ConfigureAwait(false);
    }

    /// <summary>Adds a node booted from <paramref name="bootstrapperDirectory"/>, measured from its files; it must join (through <paramref name="joinVia"/> only, if given).</summary>
    /// <exception cref="MiniNodeRefusedException">The join service refused it (the reason names the PCR).</exception>
    /// <exception cref="UnusableInputException"><paramref name="joinVia"/> is not a control plane of this cluster.</exception>
    public async Task<MiniNodeSummary> AddAsync(AttestationVariantDefinition definition, bool controlPlane, string bootstrapperDirectory, string? vmImage, string? joinVia, CancellationToken ct)
    {
        if (joinVia is not null && State.Node(joinVia) is { ControlPlane: false } or { Removed: true })
        {
            throw new UnusableInputException($"--join-via {joinVia}: expected a control plane of this cluster, got a {(State.Node(joinVia).Removed ? "removed node" : "worker")}", "see `constellation mini status`");
        }

        var node = await AddRecordAsync(controlPlane, bootstrapperDirectory, vmImage, ct).ConfigureAwait(false);
        node.JoinVia = joinVia;
        _progress($"starting {node.Name} ({node.Address}) from {vmImage ?? bootstrapperDirectory}");
        await MiniNodeLauncher.StartAsync(_root, State, node, SaveAsync, ct).ConfigureAwait(false);
        try
        {
            return (await VerifyAllAsync(definition, [node], ct).ConfigureAwait(false))[0];
        }
        catch (MiniNodeRefusedException)
        {
            await MiniNodeLauncher.StopAsync(node, SaveAsync).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops nodes (bootstrapper, then swtpm), then starts each again: a reset TPM, the measured launch, the daemon.</summary>
    public async Task<IReadOnlyList<MiniNodeSummary>> RestartAsync(AttestationVariantDefinition definition, IReadOnlyList<MiniNodeRecord> nodes, bool wait, CancellationToken ct)
    {
        foreach (var node in nodes)
        {
            _progress($"stopping {node.Name}");
            await MiniNodeLauncher.StopAsync(node, SaveAsync).ConfigureAwait(false);
        }

        foreach (var node in nodes)
        {
            _progress($"starting {node.Name} on a reset TPM");
            await MiniNodeLauncher.StartAsync(_root, State, node, SaveAsync, ct).ConfigureAwait(false);
        }

        if (!wait)
        {
            await Task.WhenAll(nodes.Select(n => WaitForStatusAsync(n, ct))).ConfigureAwait(false);
            return Summaries(nodes.ToDictionary(n => n.Name, n => MiniNodeLauncher.StateOf(_root, n) ?? "starting"));
        }

        return await VerifyAllAsync(definition, nodes, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops <paramref name="node"/> for good and takes it out of the cluster's VPN through the admin API of a running
    /// control plane (aTLS, the node checked against the cluster's measurements; the admin kubeconfig as credential).
    /// </summary>
    /// <returns><see langword="true"/> if the node was a VPN peer.</returns>
    public async Task<bool> RemoveAsync(MiniNodeRecord node, CancellationToken ct)
    {
        _progress($"stopping {node.Name}");
        await MiniNodeLauncher.StopAsync(node, SaveAsync).ConfigureAwait(false);
        node.Removed = true;
        await SaveAsync().ConfigureAwait(false);
        if (node.Namespace is null)
        {
            return false;
        }

        var kubeconfig = await File.ReadAllBytesAsync(Path.Combine(_root, Init.InitCommand.KubeconfigFileName), ct).ConfigureAwait(false);
        using var credential = AdminCredential.FromKubeconfig(kubeconfig);
        using var variants = new CliVariants();
        var validator = ClusterAttestation.CreateValidator(await MemberConfigAsync(CliVariants.Parse(State.Variant, "mini-state.json variant"), ct).ConfigureAwait(false), variants);
        var errors = new List<string>();
        foreach (var plane in State.Nodes.Where(n => n.ControlPlane && n != node && !n.Removed && n.Bootstrapper is { IsRunning: true }))
        {
            _progress($"removing {node.Name} from the VPN through {plane.Name}'s admin API");
            try
            {
                using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator], ClientCertificate = credential }).CreateChannel(plane.AdminEndpoint);
                return await AdminClient.RemoveNodeAsync(channel, node.Name, ct).WaitAsync(Step, ct).ConfigureAwait(false);
            }
            catch (AdminApiException ex)
            {
                errors.Add($"{plane.Name}: {ex.Message}");
            }
        }

        throw new IOException($"{node.Name} stopped, but no control plane took it out of the VPN: {(errors.Count == 0 ? "none runs" : string.Join("; ", errors))}");
    }

    /// <summary>Stops every process the cluster started and removes its namespaces; returns what it did.</summary>
    public async Task<IReadOnlyList<string>> DownAsync(CancellationToken ct)
    {
        var done = new List<string>();
        foreach (var node in State.Nodes)
        {
            var pids = new[] { node.Bootstrapper, node.Swtpm }.OfType<DetachedProcess>().Where(p => p.IsRunning).Select(p => p.Pid).ToList();
            await MiniNodeLauncher.StopAsync(node, SaveAsync).ConfigureAwait(false);
            if (pids.Count > 0)
            {
                done.Add($"stopped {node.Name} (pids {string.Join(", ", pids)})");
            }
        }

        done.AddRange((await State.Network.RemoveAsync(ct).ConfigureAwait(false)).Select(r => "removed " + r));
        return done;
    }

    /// <summary>Waits until the nodes are members (initialized or joined), then verifies each with a fresh nonce and the cluster ID folded in.</summary>
    private async Task<IReadOnlyList<MiniNodeSummary>> VerifyAllAsync(AttestationVariantDefinition definition, IReadOnlyList<MiniNodeRecord> nodes, CancellationToken ct)
    {
        await Task.WhenAll(nodes.Select(n => WaitForStateAsync(n, ["initialized", "joined"], ct))).ConfigureAwait(false);
        var config = await MemberConfigAsync(definition, ct).ConfigureAwait(false);

        using var variants = new CliVariants();
        var verifier = ClusterAttestation.CreateValidator(config, variants);
        var results = new Dictionary<string, string>();
        foreach (var node in nodes)
        {
            _progress($"verifying {node.Name}");
            try
            {
                using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(node.VerifyEndpoint);
                await VerificationClient.VerifyAsync(channel, verifier, ct).WaitAsync(Step, ct).ConfigureAwait(false);
                results[node.Name] = "ok";
            }
            catch (AttestationException ex)
            {
                results[node.Name] = "FAILED: " + ex.Message;
            }
        }

        return Summaries(results);
    }

    private List<MiniNodeSummary> Summaries(Dictionary<string, string> verify) =>
        State.Nodes.Where(n => verify.ContainsKey(n.Name))
            .Select(n => new MiniNodeSummary(n.Name, n.Role, n.Bootstrapper?.Pid, n.InitEndpoint, n.VerifyEndpoint, verify[n.Name]))
            .ToList();

    private async Task<MiniNodeRecord> AddRecordAsync(bool controlPlane, string bootstrapperDirectory, string? vmImage, CancellationToken ct)
    {
        var index = State.Nodes.Count;
        var node = new MiniNodeRecord
        {
            Name = State.NextNodeName(),
            Index = index,
            ControlPlane = controlPlane,
            Address = State.Network.NodeAddress(index),
            Namespace = vmImage is null ? State.Network.NodeNamespace(index) : null,
            BootstrapperDirectory = bootstrapperDirectory,
            VmImage = vmImage,
        };
        State.Nodes.Add(node);
        await SaveAsync().ConfigureAwait(false);
        if (vmImage is null)
        {
            await State.Network.AddNodeAsync(index, SaveAsync, ct).ConfigureAwait(false);
        }
        else
        {
            await State.Network.AddVmNodeAsync(index, ct).ConfigureAwait(false);
        }
        return node;
    }

    private Task WaitForStatusAsync(MiniNodeRecord node, CancellationToken ct) =>
        WaitForStateAsync(node, ["awaiting-init", "joining", "rejoining", "recovering", "initialized", "joined"], ct);

    /// <summary>Polls the node's status.json until its state is one of <paramref name="states"/>; fails early when the daemon died, failed, or was refused.</summary>
    private async Task WaitForStateAsync(MiniNodeRecord node, string[] states, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Step;
        while (true)
        {
            var state = MiniNodeLauncher.StateOf(_root, node);
            // A debug VM's debugd starts the bootstrapper before it listens: the node is ready once both are.
            if (state is not null && states.Contains(state)
                && (node.VmImage is not { } image || !MiniVmImage.IsDebug(image) || await MiniVmLauncher.DebugdListensAsync(node, ct).ConfigureAwait(false)))
            {
                return;
            }

            if (node.Bootstrapper is not { IsRunning: true })
            {
                throw new IOException($"{node.Name}: {(node.VmImage is null ? "constellation-bootstrapper" : "the VM")} exited (log: {MiniNodeLauncher.Tail(_root, node)})");
            }

            if (state == "failed")
            {
                throw new IOException($"{node.Name}: failed: {MiniNodeLauncher.Tail(_root, node)}");
            }

            if (RefusalOf(node) is { } refusal)
            {
                throw new MiniNodeRefusedException($"{node.Name}: the join service refused it: {refusal}");
            }

            if (DateTime.UtcNow > deadline)
            {
                var reached = state is not null && states.Contains(state) ? $"{state}, but its debugd does not listen on port {Constellation.Cluster.Debugd.DebugdOptions.DefaultPort}" : state ?? "no status";
                throw new TimeoutException($"{node.Name}: expected state {string.Join(" or ", states)} within {Step.TotalSeconds} s, got {reached} (log: {MiniNodeLauncher.Tail(_root, node)})");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The join service's reason for refusing this node's attestation, from the control planes' logs (the aTLS handshake
    /// is refused before any request, so the node itself only sees a reset connection), with the PCRs it names.
    /// </summary>
    private string? RefusalOf(MiniNodeRecord node)
    {
        var pattern = new Regex($@"aTLS (?:client|handshake with) {Regex.Escape(node.Address)}:\d+ rejected: (?<reason>.*)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        foreach (var plane in State.Nodes.Where(n => n.ControlPlane && n.Name != node.Name))
        {
            var path = MiniLayout.BootstrapperLog(_root, plane.Name);
            if (!File.Exists(path))
            {
                continue;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                // Only lines of this start: the log timestamp leads each line (ISO 8601, UTC).
                if (pattern.Match(line) is { Success: true } match
                    && DateTime.TryParse(line.Split(' ', 2)[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                    && at >= node.StartedUtc)
                {
                    var reason = match.Groups["reason"].Value;
                    var pcrs = Regex.Matches(reason, @"at index (\d+)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).Select(m => "PCR " + m.Groups[1].Value).Distinct().ToList();
                    return pcrs.Count > 0 ? $"{string.Join(", ", pcrs)} {(pcrs.Count == 1 ? "differs" : "differ")} from the cluster's measurements ({reason})" : reason;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The measurements of a VM node booted from <paramref name="baseImage"/>, computed from the cluster's image files,
    /// published as its signed <c>measurements.json</c> and read back through the signature check.
    /// </summary>
    private async Task<MeasurementSet> VmMeasurementsAsync(AttestationVariantDefinition definition, string baseImage, CancellationToken ct)
    {
        var vm = State.Vm!;
        MiniVmImage.RequireMachine(baseImage, MiniVmLauncher.MachineProfile(vm.MemoryMiB));
        var image = await MiniVmImage.ComposeAsync(_root, baseImage, await File.ReadAllBytesAsync(MiniLayout.BootConfiguration(_root), ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var computed = await MiniVmImage.ComputeAsync(image, vm.MemoryMiB, ct).ConfigureAwait(false);
        var verified = await MiniVmImage.PublishAsync(_root, image, definition.Variant, computed, ct).ConfigureAwait(false);
        _progress($"image measurements {Path.Combine(image, MiniVmImage.MeasurementsFileName)}: signature verified with key {verified.KeyFingerprint} (PCRs {string.Join(", ", verified.Measurements.Keys.Order())})");
        return verified.Measurements;
    }

    /// <summary>The cluster's configuration with its cluster ID folded into the measurements: what a member node attests.</summary>
    private async Task<AttestationConfig> MemberConfigAsync(AttestationVariantDefinition definition, CancellationToken ct)
    {
        var config = LoadConfig(definition);
        var clusterId = Convert.FromHexString((await File.ReadAllTextAsync(Path.Combine(_root, "cluster-id"), ct).ConfigureAwait(false)).Trim());
        return definition.ClusterIdRegister is { } index ? config.WithMeasurements(config.Measurements.WithClusterId(index, clusterId)) : config;
    }

    private AttestationConfig LoadConfig(AttestationVariantDefinition definition)
    {
        var path = MiniLayout.ConfigFile(_root);
        return File.Exists(path)
            ? ConstellationConfigFile.Parse(File.ReadAllText(path), CliVariants.Registry).Attestation
            : new MeasurementsAttestationConfig(definition, MeasurementSet.Empty);
    }

    private async Task WriteConfigFileAsync(AttestationVariantDefinition definition, MeasurementSet measurements, CancellationToken ct)
    {
        string yaml;
        try
        {
            yaml = ConstellationConfigFile.Generate(CloudProvider.Qemu, definition.Variant);
        }
        catch (ArgumentException)
        {
            // A variant no provider offers (dummy): no configuration file; init and verify take --variant.
            return;
        }

        await File.WriteAllTextAsync(MiniLayout.ConfigFile(_root), ConstellationConfigFile.WithMeasurements(yaml, measurements), ct).ConfigureAwait(false);
    }

    /// <summary>The cluster-wide node configuration (the nodes' "initrd", measured into PCR 9); per-node settings come from the environment, as metadata would.</summary>
    private byte[] BootConfiguration(AttestationVariantDefinition definition, string initSecretHash)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Bootstrapper");
            json.WriteString("Variant", definition.Variant.Name);
            json.WriteString("InitSecretHash", initSecretHash);
            json.WriteString("AttestationConfig", Path.Combine(MiniLayout.JoinConfig(_root), JoinServicePolicy.AttestationConfigFileName));
            json.WriteString("MapStateDisk", "false");
            json.WriteString("RetryIntervalSeconds", "1");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}

/// <summary>The join service refused a node.</summary>
internal sealed class MiniNodeRefusedException(string message) : Exception(message);
