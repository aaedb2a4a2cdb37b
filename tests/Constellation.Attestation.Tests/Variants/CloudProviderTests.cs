using Constellation.Attestation;

namespace Constellation.Attestation.Tests.Variants;

public class CloudProviderTests
{
    [TestCase("AWS", CloudProvider.Aws)]
    [TestCase("aws", CloudProvider.Aws)]
    [TestCase("Azure", CloudProvider.Azure)]
    [TestCase("gcp", CloudProvider.Gcp)]
    [TestCase("OpenStack", CloudProvider.OpenStack)]
    [TestCase("stackit", CloudProvider.OpenStack)]
    [TestCase("QEMU", CloudProvider.Qemu)]
    [TestCase("vmware", CloudProvider.Unknown)]
    [TestCase(null, CloudProvider.Unknown)]
    public void Provider_strings_parse_case_insensitively(string? value, CloudProvider expected)
    {
        CloudProviders.Parse(value).Should().Be(expected);
    }

    [TestCase(CloudProvider.Aws, "aws-sev-snp", new[] { "aws-sev-snp", "aws-nitro-tpm" })]
    [TestCase(CloudProvider.Azure, "azure-sev-snp", new[] { "azure-sev-snp", "azure-tdx", "azure-trustedlaunch" })]
    [TestCase(CloudProvider.Gcp, "gcp-sev-snp", new[] { "gcp-sev-snp", "gcp-sev-es" })]
    [TestCase(CloudProvider.Qemu, "qemu-vtpm", new[] { "qemu-vtpm" })]
    [TestCase(CloudProvider.OpenStack, "qemu-vtpm", new[] { "qemu-vtpm" })]
    [TestCase(CloudProvider.Unknown, "dummy", new[] { "dummy" })]
    public void Each_provider_allows_the_spec_variants_with_the_first_as_default(CloudProvider provider, string defaultVariant, string[] allowed)
    {
        provider.DefaultVariant().Name.Should().Be(defaultVariant);
        provider.AllowedVariants().Select(v => v.Name).Should().Equal(allowed);
    }

    [TestCase(CloudProvider.Aws, "AWS")]
    [TestCase(CloudProvider.Azure, "Azure")]
    [TestCase(CloudProvider.Gcp, "GCP")]
    [TestCase(CloudProvider.OpenStack, "OpenStack")]
    [TestCase(CloudProvider.Qemu, "QEMU")]
    public void Providers_format_as_constellation_writes_them(CloudProvider provider, string text)
    {
        provider.ToConfigString().Should().Be(text);
        CloudProviders.Parse(text).Should().Be(provider);
    }
}
