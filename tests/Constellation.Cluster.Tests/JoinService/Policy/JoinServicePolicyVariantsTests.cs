using System.Text.Json.Nodes;
using Constellation.Attestation;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Cluster.JoinService.Policy;
using Constellation.Tests;

namespace Constellation.Cluster.Tests.JoinService.Policy;

/// <summary>
/// The join service loads the policy of its <c>--attestation-variant</c> from <c>join-config/attestationConfig</c> for
/// every variant whose validator can be built from that config: qemu-vtpm, dummy (only when asked for by name) and the
/// SEV-SNP variants, whose config (versions, amdRootKey, amdSigningKey, firmwareSignerConfig) becomes the validator's
/// options. Before the registry, an SNP join config could not be loaded at all: no factory had a builder for it.
/// </summary>
public class JoinServicePolicyVariantsTests
{
    private const string Measurement4 = "1111111111111111111111111111111111111111111111111111111111111111";
    private static readonly HttpClient Http = new();

    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("join-config-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task A_qemu_vtpm_join_config_loads_into_the_join_service()
    {
        var path = await WriteAsync("{\"measurements\":{\"4\":{\"expected\":\"" + Measurement4 + "\",\"warnOnly\":false}}}");

        await using var policy = await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.QemuVtpm, AttestationValidatorFactory.CreateDefault());

        policy.Variant.Should().Be(AttestationVariant.QemuVtpm);
        policy.Current.Config.Measurements.Keys.Should().Equal(4u);
    }

    [Test]
    public async Task A_dummy_join_config_loads_when_the_join_service_asks_for_dummy_and_only_then()
    {
        var path = await WriteAsync("{}");

        await using var policy = await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.Dummy, AttestationValidatorFactory.CreateDefault().RegisterDummy());
        var refused = async () => await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.Dummy, AttestationValidatorFactory.CreateDefault());

        policy.Variant.Should().Be(AttestationVariant.Dummy);
        (await refused.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("RegisterDummy");
    }

    [Test]
    public async Task An_azure_sev_snp_join_config_as_the_CLI_uploads_it_loads_with_its_options()
    {
        var path = await WriteAsync(AzureSevSnpJson().ToJsonString());

        await using var policy = await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.AzureSevSnp, SnpFactory());

        policy.Variant.Should().Be(AttestationVariant.AzureSevSnp);
        var config = policy.Current.Config.Should().BeOfType<SevSnpAttestationConfig>().Subject;
        config.BootloaderVersion.Should().Be(AttestationVersion.FromValue(3));
        config.MicrocodeVersion.Should().Be(AttestationVersion.FromValue(209));
        config.AmdRootKey!.Pem.Should().Be(BuiltInRoots.AmdArkMilanPem);
        config.FirmwareSignerConfig!.EnforcementPolicy.Should().Be(EnforcementPolicy.MaaFallback);
        config.FirmwareSignerConfig.MaaUrl.Should().Be("https://sharedeus.eus.attest.azure.net");
    }

    [Test]
    public async Task A_gcp_sev_snp_join_config_with_unresolved_latest_loads_as_upstream_reads_it()
    {
        // Upstream's CLI does not resolve "latest" for gcp-sev-snp before the upload; the join service applies 0.
        var json = AzureSevSnpJson();
        json.Remove("firmwareSignerConfig");
        json["bootloaderVersion"] = "latest";
        var path = await WriteAsync(json.ToJsonString());

        await using var policy = await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.GcpSevSnp, SnpFactory());

        policy.Variant.Should().Be(AttestationVariant.GcpSevSnp);
        ((SevSnpAttestationConfig)policy.Current.Config).BootloaderVersion.IsLatest.Should().BeTrue();
    }

    [Test]
    public async Task An_snp_join_config_does_not_start_a_join_service_that_lacks_the_KDS_client()
    {
        var path = await WriteAsync(AzureSevSnpJson().ToJsonString());

        var load = async () => await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.AzureSevSnp, AttestationValidatorFactory.CreateDefault());

        (await load.Should().ThrowAsync<VariantUnavailableException>()).Which.MissingService.Should().Be(nameof(VariantServices.AmdKds));
    }

    [Test]
    public async Task An_snp_join_config_with_MAA_fallback_does_not_start_a_join_service_without_a_MAA_validator()
    {
        var path = await WriteAsync(AzureSevSnpJson().ToJsonString());
        var factory = new AttestationValidatorFactory(AttestationVariantRegistry.Default, new VariantServices { AmdKds = OfflineKds() });

        var load = async () => await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.AzureSevSnp, factory);

        (await load.Should().ThrowAsync<VariantUnavailableException>()).Which.MissingService.Should().Be(nameof(VariantServices.MaaTokenValidator));
    }

    [Test]
    public async Task An_snp_join_config_pinning_another_product_line_than_milan_stops_the_join_service()
    {
        var json = AzureSevSnpJson();
        json["amdRootKey"] = GenoaArkPem();
        var path = await WriteAsync(json.ToJsonString());

        var load = async () => await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.AzureSevSnp, SnpFactory());

        (await load.Should().ThrowAsync<AttestationFormatException>()).Which.Message.Should().Contain("azureSEVSNP.amdRootKey: expected AMD's ARK-Milan");
    }

    [Test]
    public async Task An_snp_join_config_pinning_a_certificate_that_is_no_AMD_root_stops_the_join_service()
    {
        var json = AzureSevSnpJson();
        json["amdRootKey"] = SelfSignedPem("CN=ARK-Milan-impostor");
        var path = await WriteAsync(json.ToJsonString());

        var load = async () => await JoinServicePolicy.LoadValidatorAsync(path, AttestationVariant.AzureSevSnp, SnpFactory());

        await load.Should().ThrowAsync<CertificateChainException>();
    }

    /// <summary>azure-sev-snp's attestationConfig as upstream's CLI uploads it: versions resolved, the MAA URL filled in.</summary>
    private static JsonObject AzureSevSnpJson() => new()
    {
        ["measurements"] = new JsonObject { ["4"] = new JsonObject { ["expected"] = Measurement4, ["warnOnly"] = false } },
        ["bootloaderVersion"] = 3,
        ["teeVersion"] = 0,
        ["snpVersion"] = 8,
        ["microcodeVersion"] = 209,
        ["firmwareSignerConfig"] = new JsonObject
        {
            ["acceptedKeyDigests"] = new JsonArray("0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3"),
            ["enforcementPolicy"] = "MAAFallback",
            ["maaURL"] = "https://sharedeus.eus.attest.azure.net",
        },
        ["amdRootKey"] = BuiltInRoots.AmdArkMilanPem,
        ["amdSigningKey"] = string.Empty,
    };

    private static AttestationValidatorFactory SnpFactory() => new(AttestationVariantRegistry.Default, new VariantServices
    {
        AmdKds = OfflineKds(),
        MaaTokenValidator = new MaaTokenValidator(Http),
        GceShieldedIdentity = new NoGce(),
    });

    private static AmdKdsClient OfflineKds() => new(new CachedCollateralSource(new MemoryCollateralCache(), fetcher: null));

    private static string SelfSignedPem(string subject)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, System.Security.Cryptography.HashAlgorithmName.SHA384)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    // The certificate file holds ASK-Genoa, then ARK-Genoa.
    private static string GenoaArkPem()
    {
        var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        collection.ImportFromPem(File.ReadAllText(TestData.Evidence("snp/gosevguest-ask_ark_genoa.pem")));
        return collection.Single(c => c.Subject.Contains("CN=ARK-Genoa", StringComparison.Ordinal)).ExportCertificatePem();
    }

    /// <summary>Publishes the JSON text as it is, the way the CLI's upload lands in the ConfigMap.</summary>
    private async Task<string> WriteAsync(string json)
    {
        var configMap = new ConfigMapDirectory(Path.Combine(_dir, "join-config"));
        await configMap.WriteAsync(new Dictionary<string, byte[]> { [JoinServicePolicy.AttestationConfigFileName] = System.Text.Encoding.UTF8.GetBytes(json) });
        return configMap.PathOf(JoinServicePolicy.AttestationConfigFileName);
    }

    private sealed class NoGce : Constellation.Attestation.Variants.Common.Gcp.IGceShieldedIdentityClient
    {
        public ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(Constellation.Attestation.Variants.Common.Gcp.GceInstanceInfo instance, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no GCE in these tests");
    }
}
