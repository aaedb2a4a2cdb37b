using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.ConfigFsTsm;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Cli.Commands;

/// <summary>
/// What this CLI offers the variants of the library's registry: to validators the AMD KDS and Intel PCS clients (the
/// library's collateral recipe, default cache), a MAA token validator and AWS SDK EC2 clients, no GCE credentials and
/// Azure AK roots other than the built-in ameroot; to issuers this machine's TPM (<c>/dev/tpmrm0</c>), TDX quotes and
/// SEV-SNP reports (configfs-tsm, <c>/dev/sev-guest</c>) when it has them, and the cloud metadata clients (AWS IMDSv2, GCE
/// metadata, Azure IMDS, the Azure AK CA), whose services only answer on their cloud: an issue elsewhere fails naming the endpoint.
/// The commands ask the registry which variant can be validated or issued with that, and say what is missing if not.
/// </summary>
/// <remarks>One per command run; dispose it to release the collateral clients' HTTP connections.</remarks>
internal sealed class CliVariants : IDisposable
{
    private readonly CollateralClients _collateral;
    private readonly HttpClient _http = new();
    private readonly HttpClient _metadataHttp = new(CloudMetadataHttp.CreateHandler()) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public CliVariants()
    {
        _collateral = CollateralClients.Create(new CollateralClientOptions());
        Services = new VariantServices
        {
            MaaTokenValidator = new MaaTokenValidator(_http),
            Ec2Clients = AwsNitroTpmVariant.SdkEc2Clients,
        }.WithCollateral(_collateral);
        IssuerServices = new VariantIssuerServices
        {
            OpenTpm = File.Exists(TpmDeviceTransport.DefaultPath) ? _ => ValueTask.FromResult<ITpmTransport>(TpmDeviceTransport.Open()) : null,
            TdxQuotes = Directory.Exists(new ConfigFsTsmOptions().ReportDirectory) ? new ConfigFsTsmQuoteProvider() : null,
            SnpReports = SnpReportSource(),
            AwsImds = new AwsImdsClient(_metadataHttp),
            GceMetadata = new GceMetadataClient(_metadataHttp),
            AzureInstanceMetadata = new AzureImdsClient(_metadataHttp),
            AzureAkCa = new AzureAkCaClient(_metadataHttp),
            AzureImds = new AzureTdxIssuerOptions { HttpClient = _metadataHttp },
        };
    }

    public static AttestationVariantRegistry Registry => AttestationVariantRegistry.Default;

    public VariantServices Services { get; }

    public VariantIssuerServices IssuerServices { get; }

    /// <summary>The variant named by <paramref name="nameOrOid"/>.</summary>
    /// <exception cref="UnusableInputException">The registry has no such variant.</exception>
    public static AttestationVariantDefinition Parse(string nameOrOid, string option)
    {
        try
        {
            return Registry.Parse(nameOrOid);
        }
        catch (UnknownVariantException ex)
        {
            throw new UnusableInputException($"{option}: {ex.Message}", "run `constellation variants` for the list");
        }
    }

    /// <summary>The validators for the variant the user named; dummy, which accepts every document, only when that variant is dummy.</summary>
    public AttestationValidatorFactory Factory(AttestationVariant requested)
    {
        var factory = new AttestationValidatorFactory(Registry, Services);
        return requested == AttestationVariant.Dummy ? factory.RegisterDummy() : factory;
    }

    /// <summary>Why this CLI cannot validate or issue a variant: the library's reason, and what the user can do.</summary>
    public static UnusableInputException Unavailable(AttestationVariantDefinition definition, string operation, VariantCapability capability) =>
        new($"variant {definition.Variant.Name}: {capability.Reason}", Hint(capability, operation));

    public void Dispose()
    {
        _collateral.Dispose();
        _http.Dispose();
        _metadataHttp.Dispose();
    }

    /// <summary>configfs-tsm when the kernel offers it, else the SEV-SNP guest device, else none.</summary>
    private static ISnpReportSource? SnpReportSource() =>
        Directory.Exists(new ConfigFsTsmOptions().ReportDirectory) ? new ConfigFsTsmReportSource()
        : File.Exists(LinuxSevGuestDevice.DefaultPath) ? new SevGuestDeviceReportSource()
        : null;

    private static string Hint(VariantCapability capability, string operation) => capability.MissingService switch
    {
        nameof(VariantServices.GceShieldedIdentity) => "this CLI has no GCE credentials; validate GCP nodes with the library and a GceShieldedIdentityClient",
        nameof(VariantIssuerServices.OpenTpm) => $"{operation} needs a TPM ({TpmDeviceTransport.DefaultPath}), which this machine does not have",
        nameof(VariantIssuerServices.TdxQuotes) => $"{operation} needs a TDX guest (configfs-tsm), which this machine is not",
        nameof(VariantIssuerServices.AzureImds) => $"{operation} needs an Azure TDX CVM, which this machine is not",
        nameof(VariantIssuerServices.SnpReports) => $"{operation} needs an SEV-SNP guest (configfs-tsm or {LinuxSevGuestDevice.DefaultPath}), which this machine is not",
        null => $"run `constellation variants` to see which variants can be {(operation == "issuing" ? "issued" : "validated")} here",
        _ => $"this CLI does not provide {capability.MissingService}",
    };
}
