
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Tests.Variants;

/// <summary>
/// Every variant names the register its nodes extend the cluster ID into (shared/spec/measurements.md: PCR 15 for the
/// vTPM-based variants, index 3 = RTMR[2] for qemu-tdx), so node lock and verifier read one definition.
/// </summary>
public class ClusterIdRegisterTests
{
    // From the spec, not from the library: the expectation must not follow a change of the definition.
    private static readonly object[] SpecRegisters =
    [
        new object?[] { "dummy", null },
        new object?[] { "aws-nitro-tpm", 15u },
        new object?[] { "aws-sev-snp", 15u },
        new object?[] { "gcp-sev-es", 15u },
        new object?[] { "gcp-sev-snp", 15u },
        new object?[] { "azure-sev-snp", 15u },
        new object?[] { "azure-trustedlaunch", 15u },
        new object?[] { "azure-tdx", 15u },
        new object?[] { "qemu-vtpm", 15u },
        new object?[] { "qemu-tdx", 3u },
    ];

    private static IEnumerable<AttestationVariant> MeasuredVariants() => AttestationVariant.All.Where(v => AttestationVariantRegistry.Default.Get(v).ClusterIdRegister is not null);

    [TestCaseSource(nameof(SpecRegisters))]
    public void A_variant_names_the_register_the_spec_gives_for_its_cluster_id(string name, uint? register)
    {
        AttestationVariantRegistry.Default.Parse(name).ClusterIdRegister.Should().Be(register);
    }

    [Test]
    public void The_spec_table_covers_every_variant()
    {
        SpecRegisters.Cast<object?[]>().Select(row => (string)row[0]!).Should().BeEquivalentTo(AttestationVariant.All.Select(v => v.Name));
    }

    [TestCaseSource(nameof(MeasuredVariants))]
    public void The_cluster_id_register_is_enforced_all_zero_in_the_variants_default_measurements(AttestationVariant variant)
    {
        // A node that is not yet bootstrapped has the register untouched; a join policy built from the defaults must
        // therefore refuse a node that already belongs to a cluster.
        var defaults = AttestationVariantRegistry.Default.Get(variant).DefaultMeasurements;

        defaults.TryGetValue(AttestationVariantRegistry.Default.Get(variant).ClusterIdRegister!.Value, out var register).Should().BeTrue();
        register!.Expected.Should().OnlyContain(b => b == 0);
        register.WarnOnly.Should().BeFalse();
    }
}
