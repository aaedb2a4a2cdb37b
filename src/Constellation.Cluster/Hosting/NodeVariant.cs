using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.ConfigFsTsm;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.NodeLock;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// The variant a bootstrapper issues, as the registry defines it, with what this node has to offer it: the TPM of the
/// <c>Tpm</c> setting, the event log of the <c>EventLog</c> setting (the kernel's for a TPM device, none for swtpm),
/// TDX quotes when the kernel has configfs-tsm. The variant can be this node's when its definition's issuer capability
/// is available with these services and its cluster-ID register (the definition's <c>ClusterIdRegister</c>) can be
/// extended here; <see cref="Capability"/> says what is missing otherwise.
/// </summary>
/// <remarks>No variant is named here: every decision is the definition's.</remarks>
internal sealed class NodeVariant
{
    private readonly TpmEndpoint? _tpm;
    private readonly string? _eventLog;
    private readonly ITdxQuoteProvider? _tdxQuotes;

    private NodeVariant(AttestationVariantDefinition definition, TpmEndpoint? tpm, string? eventLog, ITdxQuoteProvider? tdxQuotes)
    {
        Definition = definition;
        _tpm = tpm;
        _eventLog = eventLog;
        _tdxQuotes = tdxQuotes;
        var services = Services(tpm is null ? null : tpm.OpenAsync);
        var issuer = definition.GetIssuerCapability(services);
        Capability = issuer.IsAvailable ? RegisterCapability(definition, services) : issuer;
    }

    public AttestationVariantDefinition Definition { get; }

    /// <summary>Gets whether this node can be of the variant: its issuer, then its cluster-ID register.</summary>
    public VariantCapability Capability { get; }

    /// <summary>Gets whether the variant needs the TPM: without it, its issuer or its register could not be built.</summary>
    public bool UsesTpm => _tpm is not null && !new NodeVariant(Definition, null, null, _tdxQuotes).Capability.IsAvailable;

    /// <summary>The variant with this node's services; the TDX quote provider is configfs-tsm when the kernel has it.</summary>
    public static NodeVariant For(AttestationVariantDefinition definition, TpmEndpoint? tpm, string? eventLog) =>
        new(definition, tpm, eventLog, Directory.Exists(ConfigFsTsmOptions.DefaultReportDirectory) ? new ConfigFsTsmQuoteProvider() : null);

    /// <summary>The variant with the given services (tests).</summary>
    public static NodeVariant For(AttestationVariantDefinition definition, TpmEndpoint? tpm, string? eventLog, ITdxQuoteProvider? tdxQuotes) =>
        new(definition, tpm, eventLog, tdxQuotes);

    /// <summary>Creates the node's issuer and register over one shared TPM connection (swtpm serves one connection at a time).</summary>
    /// <exception cref="VariantUnavailableException">The node cannot be of the variant (<see cref="Capability"/>).</exception>
    public NodeAttestation Create()
    {
        if (!Capability.IsAvailable)
        {
            throw new VariantUnavailableException(Definition.Variant, "issuing", Capability);
        }

        var connection = _tpm is null ? null : new SharedTpmConnection(_tpm.OpenAsync);
        var services = Services(connection is null ? null : connection.OpenAsync);
        IClusterIdRegister register = (Definition.ClusterIdRegister, services.OpenTpm) switch
        {
            (null, _) => new InMemoryClusterIdRegister(),
            ({ } index, { } openTpm) => new TpmClusterIdRegister(openTpm, index),
            _ => throw new VariantUnavailableException(Definition.Variant, "issuing", Capability),
        };
        return new NodeAttestation(Definition.CreateIssuer(services), register, connection);
    }

    // The register is a PCR of the TPM when the variant's evidence is a vTPM quote; this bootstrapper extends nothing else.
    private static VariantCapability RegisterCapability(AttestationVariantDefinition definition, VariantIssuerServices services)
    {
        var name = definition.Variant.Name;
        if (definition.ClusterIdRegister is not { } index)
        {
            return VariantCapability.Available;
        }

        if (definition.Variant.Family is not (EvidenceFamily.Vtpm or EvidenceFamily.VtpmWithSnp or EvidenceFamily.VtpmWithTdx))
        {
            return VariantCapability.Unavailable(
                $"{name} measures its cluster ID into register {index} of its {definition.Variant.Family} evidence, which this bootstrapper cannot extend (it extends TPM PCRs only)");
        }

        return services.OpenTpm is null
            ? VariantCapability.Missing(nameof(VariantIssuerServices.OpenTpm), $"{name} measures its cluster ID into PCR {index} of a TPM (VariantIssuerServices.OpenTpm)")
            : VariantCapability.Available;
    }

    private VariantIssuerServices Services(Func<CancellationToken, ValueTask<ITpmTransport>>? openTpm) => new()
    {
        OpenTpm = openTpm,
        VtpmIssuerOptions = _eventLog is { } path
            ? new VtpmIssuerOptions { EventLogReader = async ct => await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false) }
            : _tpm is { IsDevice: false }
                ? new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) }
                : null,
        TdxQuotes = _tdxQuotes,
    };
}
