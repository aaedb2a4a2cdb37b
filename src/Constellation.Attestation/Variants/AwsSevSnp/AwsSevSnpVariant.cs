using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.AwsSevSnp;

/// <summary>
/// The <c>aws-sev-snp</c> variant (1.3.9900.2.2): a NitroTPM quote whose AK a VLEK-signed SEV-SNP report vouches for
/// (REPORT_DATA = SHA-512 of the AK). Built from its config like every SNP variant (<see cref="SnpVariantDefinition"/>).
/// </summary>
public sealed class AwsSevSnpVariant : SnpVariantDefinition
{
    private AwsSevSnpVariant()
        : base(new AttestationVariant("aws-sev-snp", "1.3.9900.2.2", EvidenceFamily.VtpmWithSnp, CloudProvider.Aws, "awsSEVSNP"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static AwsSevSnpVariant Instance { get; } = new();

    /// <summary>Creates the aws-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, MeasurementSet measurements) =>
        new(Instance.Variant, new AwsSevSnpHooks(options), measurements);

    /// <summary>Creates an aws-sev-snp issuer.</summary>
    /// <param name="openTpm">Opens a transport to the NitroTPM (one per issue).</param>
    /// <param name="reports">Where SEV-SNP reports come from (e.g. <see cref="ConfigFsTsmReportSource"/>).</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, ISnpReportSource reports, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new AwsSevSnpIssuerHooks(reports), options);

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "the NitroTPM of an EC2 SEV-SNP instance (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm))
            .And(Needs(services.SnpReports, "issuing", "the SEV-SNP guest's report source, e.g. configfs-tsm (VariantIssuerServices.SnpReports)", nameof(VariantIssuerServices.SnpReports)));
    }

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        CreateIssuer(services.OpenTpm!, services.SnpReports!, services.VtpmIssuerOptions);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(CreateOptions((SevSnpAttestationConfig)config, services), config.Measurements);
}
