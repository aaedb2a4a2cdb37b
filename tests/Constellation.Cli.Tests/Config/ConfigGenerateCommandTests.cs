using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureTdx;

namespace Constellation.Cli.Tests.Config;

public class ConfigGenerateCommandTests
{
    private string _workspace = null!;

    private string ConfigPath => Path.Combine(_workspace, "constellation-conf.yaml");

    [SetUp]
    public void CreateWorkspace() => _workspace = Directory.CreateTempSubdirectory("generate-").FullName;

    [TearDown]
    public void DeleteWorkspace() => Directory.Delete(_workspace, recursive: true);

    [TestCase("aws", "aws-sev-snp")]
    [TestCase("azure", "azure-sev-snp")]
    [TestCase("gcp", "gcp-sev-snp")]
    [TestCase("qemu", "qemu-vtpm")]
    public async Task Generate_writes_the_providers_default_variant_with_the_shipped_measurements(string provider, string variantName)
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("config", "generate", provider, "--workspace", _workspace);

        exitCode.Should().Be(0);
        output.Should().Contain(ConfigPath).And.Contain(variantName);
        var config = ConstellationConfigFile.Parse(File.ReadAllText(ConfigPath));
        config.Provider.Should().Be(CloudProviders.Parse(provider));
        config.Attestation.Variant.Name.Should().Be(variantName);
        config.Attestation.Measurements.Should().BeEquivalentTo(AttestationVariantRegistry.Default.Get(AttestationVariant.FromName(variantName)).DefaultMeasurements);
    }

    [Test]
    public async Task Generate_with_attestation_selects_that_variant()
    {
        var (exitCode, _, _) = await CliRunner.RunAsync("config", "generate", "azure", "--attestation", "azure-tdx", "--workspace", _workspace);

        exitCode.Should().Be(0);
        var text = File.ReadAllText(ConfigPath);
        text.Should().Contain("attestation:\n  azureTDX:\n");
        ConstellationConfigFile.Parse(text).Attestation.Should().BeOfType<AzureTdxAttestationConfig>();
    }

    [Test]
    public async Task Generate_refuses_to_overwrite_an_existing_file()
    {
        File.WriteAllText(ConfigPath, "mine");

        var (exitCode, _, error) = await CliRunner.RunAsync("config", "generate", "gcp", "--workspace", _workspace);

        exitCode.Should().Be(2);
        error.Should().Contain("already exists; refusing to overwrite");
        File.ReadAllText(ConfigPath).Should().Be("mine");
    }

    [Test]
    public async Task Generate_refuses_a_variant_the_provider_does_not_offer()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("config", "generate", "aws", "--attestation", "gcp-sev-snp", "--workspace", _workspace);

        exitCode.Should().Be(2);
        error.Should().Contain("gcp-sev-snp is not available on AWS; allowed: aws-sev-snp, aws-nitro-tpm");
        File.Exists(ConfigPath).Should().BeFalse();
    }

    [Test]
    public async Task Generate_refuses_an_unknown_provider()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync("config", "generate", "ibm", "--workspace", _workspace);

        exitCode.Should().Be(2);
        error.Should().Contain("unknown provider \"ibm\"");
        Directory.EnumerateFileSystemEntries(_workspace).Should().BeEmpty();
    }
}
