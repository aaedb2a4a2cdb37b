using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Bootstrapper.Join;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Cluster.Keys;
using Constellation.Cluster.LocalCluster;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cli.Commands.Cluster;

/// <summary>One node's line in the summary.</summary>
internal sealed record MiniNodeSummary(string Name, string Role, string Variant, bool Verified, string? Error);

/// <summary>
/// The local cluster behind <c>mini up</c>: N bootstrapper nodes in this process on loopback, each attesting with the
/// variant's issuer over its own swtpm (qemu-vtpm) or over nothing (dummy); the measurements are those of a fresh node (PCR 0-15, PCR 15 zero), the
/// control plane's join service admits nodes by the ConfigMap-style <c>join-config/attestationConfig</c>, init runs on
/// node-0 over aTLS, and every node is then verified with a fresh nonce and the cluster ID folded into PCR 15.
/// </summary>
internal static class MiniCluster
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What a node of the local cluster offers its issuer: nothing, or its own software TPM.</summary>
    public static VariantIssuerServices SoftwareTpm(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm) =>
        new() { OpenTpm = openTpm, VtpmIssuerOptions = new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) } };

    /// <summary>
    /// Whether the variant's nodes need a software TPM each: their issuer cannot be built from nothing but can from a TPM.
    /// A variant whose issuer needs neither (dummy) runs without one; any other cannot run in a local cluster.
    /// </summary>
    /// <returns>The capability with what the local cluster offers, and whether that includes a TPM.</returns>
    public static (VariantCapability Capability, bool NeedsTpm) Issuing(AttestationVariantDefinition definition)
    {
        var bare = definition.GetIssuerCapability(VariantIssuerServices.None);
        return bare.IsAvailable
            ? (bare, false)
            : (definition.GetIssuerCapability(SoftwareTpm(_ => throw new InvalidOperationException("the capability check opens no TPM"))), true);
    }

    public static async Task<IReadOnlyList<MiniNodeSummary>> RunAsync(
        string root, int count, AttestationVariantDefinition definition, string? swtpmExecutable, Action<string> progress, CancellationToken ct)
    {
        var variant = definition.Variant;
        var needsTpm = Issuing(definition).NeedsTpm;
        using var variants = new CliVariants();
        var factory = variants.Factory(variant);
        var state = new MiniState { Variant = variant.Name };
        await state.WriteAsync(root, ct).ConfigureAwait(false);
        var owned = new List<IAsyncDisposable>();
        var nodes = new List<BootstrapperNode>();
        var issuers = new List<(IAttestationIssuer Issuer, IClusterIdRegister Register)>();
        try
        {
            var initSecret = RandomNumberGenerator.GetBytes(32);
            var hash = InitSecretHash.Hash(initSecret);
            var metadata = Path.Combine(root, "metadata");
            for (var i = 0; i < count; i++)
            {
                var name = $"node-{i}";
                if (needsTpm)
                {
                    progress($"starting swtpm for {name}");
                    var swtpm = await SwtpmInstance.StartAsync(swtpmExecutable!, name, ct).ConfigureAwait(false);
                    state.Swtpm.Add(swtpm);
                    await state.WriteAsync(root, ct).ConfigureAwait(false);

                    // One serialized connection per swtpm, shared by the node's issuer and its cluster-ID register.
                    var tpm = new SharedTpmConnection(async c => await SwtpmSocketTransport.ConnectAsync(SwtpmInstance.Host, swtpm.Port, c).ConfigureAwait(false));
                    owned.Add(tpm);
                    var register = new TpmClusterIdRegister(tpm.OpenAsync);
                    if (definition.ClusterIdRegister != register.Index)
                    {
                        throw new InvalidOperationException(
                            $"{variant.Name} extends the cluster ID into index {definition.ClusterIdRegister}, a local cluster's software TPM into PCR {register.Index}");
                    }

                    issuers.Add((definition.CreateIssuer(SoftwareTpm(tpm.OpenAsync)), register));
                }
                else
                {
                    issuers.Add((definition.CreateIssuer(VariantIssuerServices.None), new InMemoryClusterIdRegister()));
                }
            }

            progress("measuring a fresh node");
            var measurements = await FreshNodeMeasurements.MeasureAsync(issuers[0].Issuer, ct).WaitAsync(StepTimeout, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(root, "measurements.json"), MeasurementJson.Serialize(measurements), ct).ConfigureAwait(false);
            var joinConfig = await JoinServicePolicy.PublishAsync(
                new ConfigMapDirectory(Path.Combine(root, "join-config")), new MeasurementsAttestationConfig(definition, measurements), ct).ConfigureAwait(false);
            var joinPolicy = await JoinServicePolicy.LoadValidatorAsync(joinConfig, variant, factory, cancellationToken: ct).ConfigureAwait(false);
            owned.Add(joinPolicy);

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
                var (issuer, register) = issuers[i];
                progress($"starting {options.NodeName}");
                var node = await BootstrapperNode.StartAsync(
                    options, issuer, register, NodeTransports.Attested(issuer, joinPolicy),
                    new MetadataFileJoinEndpointSource(metadata), NullLoggerFactory.Instance, TimeProvider.System, ct).ConfigureAwait(false);
                nodes.Add(node);
            }

            progress("init on node-0");
            var master = MasterSecret.Generate();
            await master.WriteFileAsync(Path.Combine(root, Init.InitCommand.MasterSecretFileName), ct).ConfigureAwait(false);
            InitResult init;
            var validator = factory.Create(new MeasurementsAttestationConfig(definition, measurements));
            using (var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator] }).CreateChannel(nodes[0].InitAddress))
            {
                init = await InitClient.InitAsync(channel, master, RandomNumberGenerator.GetBytes(32), initSecret, "constellation-mini", ct)
                    .WaitAsync(StepTimeout, ct).ConfigureAwait(false);
            }

            await SecretFile.WriteNewAsync(Path.Combine(root, Init.InitCommand.KubeconfigFileName), init.Kubeconfig, ct).ConfigureAwait(false);
            var verifier = factory.Create(new MeasurementsAttestationConfig(
                definition, definition.ClusterIdRegister is { } index ? measurements.WithClusterId(index, init.ClusterId.Span) : measurements));

            var summary = new List<MiniNodeSummary>();
            foreach (var node in nodes)
            {
                progress($"waiting for {node.Options.NodeName} and verifying it");
                var role = await node.Activation.Activated.WaitAsync(StepTimeout, ct).ConfigureAwait(false);
                try
                {
                    using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(node.VerifyGrpcAddress);
                    var result = await VerificationClient.VerifyAsync(channel, verifier, ct).WaitAsync(StepTimeout, ct).ConfigureAwait(false);
                    summary.Add(new MiniNodeSummary(node.Options.NodeName, role.ToString(), result.Variant.Name, true, null));
                }
                catch (AttestationException ex)
                {
                    summary.Add(new MiniNodeSummary(node.Options.NodeName, role.ToString(), variant.Name, false, ex.Message));
                }
            }

            return summary;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var (issuer, _) in issuers)
            {
                (issuer as IDisposable)?.Dispose();
            }

            foreach (var item in Enumerable.Reverse(owned))
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
