using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Variants;

/// <summary>
/// What issuers need from the machine they run on: its TPM, its TDX quote provider, its cloud's metadata service. Set only
/// what the machine has; a variant whose issuer needs something that is not set cannot issue here, and its
/// <see cref="AttestationVariantDefinition.GetIssuerCapability"/> says what is missing.
/// </summary>
/// <remarks>Immutable once built.</remarks>
public sealed class VariantIssuerServices
{
    /// <summary>Gets services that offer nothing: enough for <c>dummy</c> only.</summary>
    public static VariantIssuerServices None { get; } = new();

    /// <summary>Gets the opener of the machine's (v)TPM, one transport per issue (e.g. <see cref="TpmDeviceTransport.Open"/>, a swtpm socket).</summary>
    public Func<CancellationToken, ValueTask<ITpmTransport>>? OpenTpm { get; init; }

    /// <summary>Gets the options of vTPM issuers (event log source, quote retries), or <see langword="null"/> for the defaults.</summary>
    public VtpmIssuerOptions? VtpmIssuerOptions { get; init; }

    /// <summary>Gets the TDX quote provider of a TDX guest (e.g. <see cref="ConfigFsTsmQuoteProvider"/>): needed by qemu-tdx.</summary>
    public ITdxQuoteProvider? TdxQuotes { get; init; }

    /// <summary>Gets how to reach Azure's instance metadata service from an Azure TDX CVM: needed by azure-tdx (with <see cref="OpenTpm"/>).</summary>
    public AzureTdxIssuerOptions? AzureImds { get; init; }

    /// <summary>Gets the SEV-SNP report source of an SEV-SNP guest (e.g. <see cref="ConfigFsTsmReportSource"/>): needed by aws-sev-snp and gcp-sev-snp.</summary>
    public ISnpReportSource? SnpReports { get; init; }

    /// <summary>Gets the EC2 instance metadata client (IMDSv2): needed by aws-nitro-tpm.</summary>
    public AwsImdsClient? AwsImds { get; init; }

    /// <summary>Gets the GCE metadata server client: needed by gcp-sev-es and gcp-sev-snp.</summary>
    public GceMetadataClient? GceMetadata { get; init; }

    /// <summary>Gets the Azure IMDS client (THIM VCEK chain, VM tags): needed by azure-sev-snp.</summary>
    public AzureImdsClient? AzureInstanceMetadata { get; init; }

    /// <summary>Gets the client that fetches an Azure AK certificate's issuing CA: needed by azure-trustedlaunch.</summary>
    public AzureAkCaClient? AzureAkCa { get; init; }

    /// <summary>
    /// Gets what creates Microsoft Azure Attestation tokens for azure-sev-snp, or <see langword="null"/> (none ships with
    /// the library): an azure-sev-snp issue on a VM whose <c>constellation-maa-url</c> tag is set then fails.
    /// </summary>
    public IMaaTokenSource? MaaTokens { get; init; }
}
