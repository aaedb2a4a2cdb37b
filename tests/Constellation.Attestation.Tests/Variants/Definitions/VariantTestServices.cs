using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Tests.Variants.Definitions;

/// <summary>
/// Services for building every validator and issuer without touching a network, a TPM or a TDX guest: each client is an
/// offline stand-in that fails if a validation ever asked it for something (these tests only build).
/// </summary>
internal static class VariantTestServices
{
    private static readonly HttpClient Http = new();

    public static VariantServices AllValidatorServices() => new()
    {
        AmdKds = new AmdKdsClient(new CachedCollateralSource(new MemoryCollateralCache(), fetcher: null)),
        TdxCollateral = new NoTdxCollateral(),
        MaaTokenValidator = new MaaTokenValidator(Http),
        GceShieldedIdentity = new NoGce(),
        Ec2Clients = region => throw new InvalidOperationException($"no EC2 in these tests ({region})"),
        AzureTrustedLaunchRoots = [SelfSignedRoot()],
    };

    public static VariantIssuerServices AllIssuerServices() => new()
    {
        OpenTpm = _ => throw new InvalidOperationException("no TPM in these tests"),
        TdxQuotes = new NoTdxQuotes(),
        AzureImds = new AzureTdxIssuerOptions { HttpClient = Http },
        SnpReports = new NoSnpReports(),
        AwsImds = new AwsImdsClient(Http),
        GceMetadata = new GceMetadataClient(Http),
        AzureInstanceMetadata = new AzureImdsClient(Http),
        AzureAkCa = new AzureAkCaClient(Http),
    };

    /// <summary><paramref name="services"/> with one more service of <see cref="AllIssuerServices"/>, by property name.</summary>
    public static VariantIssuerServices WithIssuerService(VariantIssuerServices services, string name)
    {
        var all = AllIssuerServices();
        return new VariantIssuerServices
        {
            OpenTpm = services.OpenTpm ?? (name == "OpenTpm" ? all.OpenTpm : null),
            TdxQuotes = services.TdxQuotes ?? (name == "TdxQuotes" ? all.TdxQuotes : null),
            AzureImds = services.AzureImds ?? (name == "AzureImds" ? all.AzureImds : null),
            SnpReports = services.SnpReports ?? (name == "SnpReports" ? all.SnpReports : null),
            AwsImds = services.AwsImds ?? (name == "AwsImds" ? all.AwsImds : null),
            GceMetadata = services.GceMetadata ?? (name == "GceMetadata" ? all.GceMetadata : null),
            AzureInstanceMetadata = services.AzureInstanceMetadata ?? (name == "AzureInstanceMetadata" ? all.AzureInstanceMetadata : null),
            AzureAkCa = services.AzureAkCa ?? (name == "AzureAkCa" ? all.AzureAkCa : null),
        };
    }

    private static X509Certificate2 SelfSignedRoot()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=test ameroot", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private sealed class NoTdxCollateral : ITdxCollateralSource
    {
        public Task<TdxCollateral> GetCollateralAsync(string fmspc, PckCaType caType, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no TDX collateral in these tests");
    }

    private sealed class NoTdxQuotes : ITdxQuoteProvider
    {
        public ValueTask<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no TDX guest in these tests");
    }

    private sealed class NoSnpReports : ISnpReportSource
    {
        public Task<SnpGuestReport> GetReportAsync(ReadOnlyMemory<byte> reportData, uint vmpl = 0, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no SEV-SNP guest in these tests");
    }

    private sealed class NoGce : IGceShieldedIdentityClient
    {
        public ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no GCE in these tests");
    }
}
