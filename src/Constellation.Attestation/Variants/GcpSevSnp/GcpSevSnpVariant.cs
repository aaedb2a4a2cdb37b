using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>
/// The <c>gcp-sev-snp</c> variant (1.3.9900.3.2): a GCE vTPM quote whose AK is the instance's shielded-instance identity
/// key, with a VCEK-signed SEV-SNP report bound to the nonce. Its validator needs <see cref="VariantServices.AmdKds"/>
/// and <see cref="VariantServices.GceShieldedIdentity"/>.
/// </summary>
public sealed class GcpSevSnpVariant : SnpVariantDefinition
{
    private GcpSevSnpVariant()
        : base(new AttestationVariant("gcp-sev-snp", "1.3.9900.3.2", EvidenceFamily.VtpmWithSnp, CloudProvider.Gcp, "gcpSEVSNP"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static GcpSevSnpVariant Instance { get; } = new();

    /// <summary>Creates the gcp-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="identity">The GCE shielded identity lookup.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, IGceShieldedIdentitySource identity, MeasurementSet measurements) =>
        new(Instance.Variant, new GcpSevSnpHooks(options, identity), measurements);

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var snp = base.GetValidatorCapability(services);
        return snp.IsAvailable
            ? Needs(services.GceShieldedIdentity, "validation", "an IGceShieldedIdentityClient for the instance's AK (VariantServices.GceShieldedIdentity)", nameof(VariantServices.GceShieldedIdentity))
            : snp;
    }

    /// <summary>Creates a gcp-sev-snp issuer.</summary>
    /// <param name="openTpm">Opens a transport to the vTPM (one per issue).</param>
    /// <param name="reports">Where SEV-SNP reports come from (e.g. <see cref="ConfigFsTsmReportSource"/>).</param>
    /// <param name="metadata">The GCE metadata client.</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, ISnpReportSource reports, GceMetadataClient metadata, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new GcpSevSnpIssuerHooks(reports, metadata), options);

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "the vTPM of a GCE SEV-SNP VM (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm))
            .And(Needs(services.SnpReports, "issuing", "the SEV-SNP guest's report source, e.g. configfs-tsm (VariantIssuerServices.SnpReports)", nameof(VariantIssuerServices.SnpReports)))
            .And(Needs(services.GceMetadata, "issuing", "the GCE metadata server for the instance's zone, project and name (VariantIssuerServices.GceMetadata)", nameof(VariantIssuerServices.GceMetadata)));
    }

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        CreateIssuer(services.OpenTpm!, services.SnpReports!, services.GceMetadata!, services.VtpmIssuerOptions);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(CreateOptions((SevSnpAttestationConfig)config, services), new GceShieldedIdentityPem(services.GceShieldedIdentity!), config.Measurements);
}
