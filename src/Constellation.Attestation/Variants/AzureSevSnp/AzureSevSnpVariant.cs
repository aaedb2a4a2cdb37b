using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Snp;
using Microsoft.Extensions.Logging;

namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary>
/// The <c>azure-sev-snp</c> variant (1.3.9900.4.1): a vTPM quote whose AK the Azure HCL binds to a VCEK-signed SEV-SNP
/// report, with the ID key digest checked against <c>firmwareSignerConfig</c> (<c>Equal</c>, <c>MAAFallback</c> to a
/// Microsoft Azure Attestation token, or <c>WarnOnly</c>). Its validator needs <see cref="VariantServices.AmdKds"/>, and
/// <see cref="VariantServices.MaaTokenValidator"/> when the config's policy is <c>MAAFallback</c>.
/// </summary>
public sealed class AzureSevSnpVariant : SnpVariantDefinition
{
    private AzureSevSnpVariant()
        : base(new AttestationVariant("azure-sev-snp", "1.3.9900.4.1", EvidenceFamily.VtpmWithSnp, CloudProvider.Azure, "azureSEVSNP"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static AzureSevSnpVariant Instance { get; } = new();

    /// <inheritdoc />
    public override bool HasFirmwareSignerConfig => true;

    /// <summary>Creates the azure-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="acceptedKeyDigests">The accepted ID key digests.</param>
    /// <param name="enforcement">The enforcement policy.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <param name="maa">The MAA token validator (for maaFallback).</param>
    /// <param name="maaUrl">The MAA URL.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, IEnumerable<ReadOnlyMemory<byte>> acceptedKeyDigests, EnforcementPolicy enforcement, MeasurementSet measurements, MaaTokenValidator? maa = null, Uri? maaUrl = null) =>
        new(Instance.Variant, new AzureSevSnpHooks(options, acceptedKeyDigests, enforcement, maa, maaUrl), measurements);

    /// <summary>Creates an azure-sev-snp issuer.</summary>
    /// <param name="openTpm">Opens a transport to the vTPM (one per issue).</param>
    /// <param name="imds">The Azure IMDS client (THIM VCEK chain, the MAA URL tag).</param>
    /// <param name="maa">Creates MAA tokens, or <see langword="null"/> (issuing then fails on a VM with a MAA URL tag).</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, AzureImdsClient imds, IMaaTokenSource? maa = null, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new AzureSevSnpIssuerHooks(imds, maa), options);

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "the vTPM of an Azure SEV-SNP CVM (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm))
            .And(Needs(services.AzureInstanceMetadata, "issuing", "Azure's instance metadata service for THIM's VCEK chain and the VM tags (VariantIssuerServices.AzureInstanceMetadata)", nameof(VariantIssuerServices.AzureInstanceMetadata)));
    }

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        CreateIssuer(services.OpenTpm!, services.AzureInstanceMetadata!, services.MaaTokens, services.VtpmIssuerOptions);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services)
    {
        var snp = (SevSnpAttestationConfig)config;
        var signer = snp.FirmwareSignerConfig!;
        if (signer.EnforcementPolicy == EnforcementPolicy.MaaFallback && services.MaaTokenValidator is null)
        {
            throw new VariantUnavailableException(Variant, "validation", VariantCapability.Missing(
                nameof(VariantServices.MaaTokenValidator),
                "azure-sev-snp validation with firmwareSignerConfig.enforcementPolicy MAAFallback needs a MAA token validator (VariantServices.MaaTokenValidator)"));
        }

        Uri? maaUrl = null;
        if (signer.MaaUrl.Length > 0 && !Uri.TryCreate(signer.MaaUrl, UriKind.Absolute, out maaUrl))
        {
            throw new AttestationFormatException($"{Variant.ConfigKey}.firmwareSignerConfig.maaURL: expected an absolute URL, got \"{signer.MaaUrl}\"");
        }

        var hooks = new AzureSevSnpHooks(
            CreateOptions(snp, services),
            signer.AcceptedKeyDigests.Select(d => (ReadOnlyMemory<byte>)d.AsMemory()),
            signer.EnforcementPolicy,
            services.MaaTokenValidator,
            maaUrl,
            services.LoggerFactory.CreateLogger<AzureSevSnpHooks>());
        return new VtpmValidator(Variant, hooks, config.Measurements);
    }
}
