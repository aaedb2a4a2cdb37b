using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.AzureTdx;
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
    };

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

    private sealed class NoGce : IGceShieldedIdentityClient
    {
        public ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no GCE in these tests");
    }
}
