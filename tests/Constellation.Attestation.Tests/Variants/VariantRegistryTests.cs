using Constellation.Attestation;

namespace Constellation.Attestation.Tests.Variants;

public class VariantRegistryTests
{
    // Every name/OID pair from shared/spec/variants.md §1.
    private static readonly object[] SpecPairs =
    [
        new object[] { "dummy", "1.3.9900.1.1" },
        new object[] { "aws-nitro-tpm", "1.3.9900.2.1" },
        new object[] { "aws-sev-snp", "1.3.9900.2.2" },
        new object[] { "gcp-sev-es", "1.3.9900.3.1" },
        new object[] { "gcp-sev-snp", "1.3.9900.3.2" },
        new object[] { "azure-sev-snp", "1.3.9900.4.1" },
        new object[] { "azure-trustedlaunch", "1.3.9900.4.2" },
        new object[] { "azure-tdx", "1.3.9900.4.3" },
        new object[] { "qemu-vtpm", "1.3.9900.5.1" },
        new object[] { "qemu-tdx", "1.3.9900.5.99" },
    ];

    [TestCaseSource(nameof(SpecPairs))]
    public void Parsing_a_name_gives_the_variant_with_the_spec_oid(string name, string oid)
    {
        AttestationVariant.Parse(name).Oid.Should().Be(oid);
        AttestationVariant.FromName(name).Oid.Should().Be(oid);
    }

    [TestCaseSource(nameof(SpecPairs))]
    public void Parsing_an_oid_gives_the_variant_with_the_spec_name(string name, string oid)
    {
        AttestationVariant.Parse(oid).Name.Should().Be(name);
        AttestationVariant.FromOid(oid).Name.Should().Be(name);
    }

    [Test]
    public void The_registry_holds_exactly_the_ten_spec_variants()
    {
        AttestationVariant.All.Select(v => (v.Name, v.Oid)).Should().BeEquivalentTo(
            SpecPairs.Cast<object[]>().Select(p => ((string)p[0], (string)p[1])));
    }

    [Test]
    public void An_unknown_name_gives_a_typed_error_listing_every_known_variant()
    {
        var act = () => AttestationVariant.Parse("azure-sev-snp2");

        var error = act.Should().Throw<UnknownVariantException>().Which;
        error.Requested.Should().Be("azure-sev-snp2");
        error.Should().BeAssignableTo<AttestationException>();
        foreach (var variant in AttestationVariant.All)
        {
            error.Message.Should().Contain($"{variant.Name} ({variant.Oid})");
        }
    }

    [Test]
    public void An_unknown_oid_gives_a_typed_error_naming_it()
    {
        var act = () => AttestationVariant.FromOid("1.3.9900.9.9");

        act.Should().Throw<UnknownVariantException>().WithMessage("*\"1.3.9900.9.9\"*qemu-tdx (1.3.9900.5.99)*");
    }

    [TestCase("Dummy")]
    [TestCase("QEMU-VTPM")]
    [TestCase(" qemu-vtpm")]
    [TestCase("")]
    public void Names_are_matched_exactly_and_case_sensitively(string value)
    {
        AttestationVariant.TryParse(value, out _).Should().BeFalse();
    }

    [Test]
    public void Variants_are_equal_when_their_oids_are_equal()
    {
        AttestationVariant.Parse("1.3.9900.4.1").Should().Be(AttestationVariant.AzureSevSnp);
        (AttestationVariant.Parse("azure-sev-snp") == AttestationVariant.AzureSevSnp).Should().BeTrue();
        (AttestationVariant.QemuVtpm != AttestationVariant.QemuTdx).Should().BeTrue();
    }

    [TestCase("awsSEVSNP", "aws-sev-snp")]
    [TestCase("awsNitroTPM", "aws-nitro-tpm")]
    [TestCase("azureSEVSNP", "azure-sev-snp")]
    [TestCase("azureTDX", "azure-tdx")]
    [TestCase("azureTrustedLaunch", "azure-trustedlaunch")]
    [TestCase("gcpSEVES", "gcp-sev-es")]
    [TestCase("gcpSEVSNP", "gcp-sev-snp")]
    [TestCase("qemuTDX", "qemu-tdx")]
    [TestCase("qemuVTPM", "qemu-vtpm")]
    public void Config_keys_select_the_variant_as_the_attestation_section_does(string key, string name)
    {
        AttestationVariant.FromConfigKey(key).Name.Should().Be(name);
    }
}
