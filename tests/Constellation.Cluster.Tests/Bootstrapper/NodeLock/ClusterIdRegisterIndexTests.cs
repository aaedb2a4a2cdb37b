using Constellation.Attestation;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.NodeLock;

namespace Constellation.Cluster.Tests.Bootstrapper.NodeLock;

/// <summary>
/// The node lock extends the register the variant's verifier folds the cluster ID into: the index comes from the
/// variant's definition, not from a number in the host.
/// </summary>
public class ClusterIdRegisterIndexTests
{
    private static IEnumerable<AttestationVariant> VtpmVariants() =>
        AttestationVariant.All.Where(v => v.Family is EvidenceFamily.Vtpm or EvidenceFamily.VtpmWithSnp or EvidenceFamily.VtpmWithTdx);

    [TestCaseSource(nameof(VtpmVariants))]
    public void The_tpm_register_is_the_one_every_vtpm_variant_names(AttestationVariant variant)
    {
        var register = new TpmClusterIdRegister(_ => throw new InvalidOperationException("no TPM is opened to read the index"));

        register.Index.Should().Be(AttestationVariantRegistry.Default.Get(variant).ClusterIdRegister);
    }

    [Test]
    public void The_in_memory_register_stands_in_for_the_vtpm_pcr()
    {
        new InMemoryClusterIdRegister().Index.Should().Be(AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm).ClusterIdRegister);
    }
}
