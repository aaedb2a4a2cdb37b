using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.GcpSevEs;

/// <summary>
/// The <c>gcp-sev-es</c> variant (1.3.9900.3.1): a GCE vTPM quote whose AK is the instance's shielded-instance identity
/// key, with the event log showing an SEV guest. Its validator needs <see cref="VariantServices.GceShieldedIdentity"/>.
/// </summary>
public sealed class GcpSevEsVariant : VtpmVariantDefinition
{
    private GcpSevEsVariant()
        : base(new AttestationVariant("gcp-sev-es", "1.3.9900.3.1", EvidenceFamily.Vtpm, CloudProvider.Gcp, "gcpSEVES"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static GcpSevEsVariant Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>1: GCP prefers gcp-sev-snp.</remarks>
    public override int ProviderRank => 1;

    /// <summary>Creates a gcp-sev-es validator.</summary>
    /// <param name="client">The Compute API client (e.g. <see cref="GceShieldedIdentityClient"/>).</param>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(IGceShieldedIdentityClient client, MeasurementSet measurements) =>
        new(Instance.Variant, new GcpSevEsHooks(client), measurements);

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.GceShieldedIdentity, "validation", "an IGceShieldedIdentityClient for the instance's AK (VariantServices.GceShieldedIdentity)", nameof(VariantServices.GceShieldedIdentity));
    }

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "the vTPM of a GCE confidential VM (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm))
            .And(Needs(services.GceMetadata, "issuing", "the GCE metadata server for the instance's zone, project and name (VariantIssuerServices.GceMetadata)", nameof(VariantIssuerServices.GceMetadata)));
    }

    /// <summary>Creates a gcp-sev-es issuer.</summary>
    /// <param name="openTpm">Opens a transport to the vTPM (one per issue).</param>
    /// <param name="metadata">The GCE metadata client.</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, GceMetadataClient metadata, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new GcpSevEsIssuerHooks(metadata), options);

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        CreateIssuer(services.OpenTpm!, services.GceMetadata!, services.VtpmIssuerOptions);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(services.GceShieldedIdentity!, config.Measurements);
}
