using Constellation.Attestation;
using Constellation.Attestation.Tdx.Issuers;
using Constellation.Attestation.Variants;
using Constellation.Cluster.Bootstrapper.NodeLock;
using Constellation.Cluster.Hosting;

namespace Constellation.Cluster.Tests.Hosting;

/// <summary>
/// A bootstrapper's variant comes from the registry: it can be any variant whose definition can issue with what the
/// node has, and whose cluster-ID register (the definition's) the node can extend, so the node lock shows in the
/// variant's own evidence. Nothing here names a variant except to pick test cases.
/// </summary>
public class NodeVariantTests
{
    private static readonly TpmEndpoint Swtpm = Parse("swtpm:tcp:127.0.0.1:2321");

    private static IEnumerable<AttestationVariantDefinition> Definitions() => AttestationVariantRegistry.Default.Definitions;

    [TestCaseSource(nameof(Definitions))]
    public void A_variant_that_cannot_issue_with_everything_a_node_offers_is_refused_with_the_definitions_reason(AttestationVariantDefinition definition)
    {
        var everything = new VariantIssuerServices { OpenTpm = Swtpm.OpenAsync, TdxQuotes = new NoQuotes() };
        var issuer = definition.GetIssuerCapability(everything);

        var node = NodeVariant.For(definition, Swtpm, null, new NoQuotes());

        if (!issuer.IsAvailable)
        {
            node.Capability.IsAvailable.Should().BeFalse();
            node.Capability.Reason.Should().Be(issuer.Reason);
            node.Invoking(n => n.Create()).Should().Throw<VariantUnavailableException>().WithMessage(issuer.Reason);
        }
        else
        {
            node.Capability.IsAvailable.Should().Be(definition.ClusterIdRegister is null || definition.Variant.Family is EvidenceFamily.Vtpm or EvidenceFamily.VtpmWithSnp or EvidenceFamily.VtpmWithTdx);
        }
    }

    [Test]
    public void A_variant_whose_cluster_id_register_is_not_a_tpm_pcr_is_refused_even_when_it_can_issue_and_a_tpm_is_there()
    {
        // qemu-tdx measures its cluster ID into RTMR[2] of its TD quote. Extending "PCR 3" of some TPM instead would leave
        // the quote without the cluster ID: the node lock would be invisible to every verifier.
        var definition = AttestationVariantRegistry.Default.Get(AttestationVariant.QemuTdx);
        definition.GetIssuerCapability(new VariantIssuerServices { TdxQuotes = new NoQuotes() }).IsAvailable.Should().BeTrue("the premise: it can issue");

        var node = NodeVariant.For(definition, Swtpm, null, new NoQuotes());

        node.Capability.IsAvailable.Should().BeFalse();
        node.Capability.Reason.Should().Contain("qemu-tdx").And.Contain($"register {definition.ClusterIdRegister}").And.Contain("cannot extend");
        node.Invoking(n => n.Create()).Should().Throw<VariantUnavailableException>();
    }

    [Test]
    public void A_vtpm_variant_without_a_tpm_is_refused_naming_the_missing_tpm()
    {
        var node = NodeVariant.For(AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm), null, null, null);

        node.Capability.IsAvailable.Should().BeFalse();
        node.Capability.MissingService.Should().Be(nameof(VariantIssuerServices.OpenTpm));
        node.Capability.Reason.Should().Contain("qemu-vtpm");
    }

    [Test]
    public async Task A_vtpm_node_extends_the_pcr_its_definition_names_over_its_tpm()
    {
        var definition = AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm);

        await using var attestation = NodeVariant.For(definition, Swtpm, null, null).Create();

        attestation.Register.Should().BeOfType<TpmClusterIdRegister>().Which.Index.Should().Be(definition.ClusterIdRegister!.Value);
        attestation.Issuer.Variant.Should().Be(AttestationVariant.QemuVtpm);
        attestation.Lifetime.Should().NotBeNull("the issuer and the register share one TPM connection, closed with the node");
    }

    [Test]
    public async Task A_variant_that_measures_nothing_needs_no_tpm_and_gets_none()
    {
        var definition = AttestationVariantRegistry.Default.Get(AttestationVariant.Dummy);
        definition.ClusterIdRegister.Should().BeNull("the premise");

        NodeVariant.For(definition, Swtpm, null, null).UsesTpm.Should().BeFalse();
        await using var attestation = NodeVariant.For(definition, null, null, null).Create();

        attestation.Register.Should().BeOfType<InMemoryClusterIdRegister>();
        attestation.Lifetime.Should().BeNull();
    }

    [Test]
    public void A_variant_that_issues_from_the_tpm_uses_it()
    {
        NodeVariant.For(AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm), Swtpm, null, null).UsesTpm.Should().BeTrue();
    }

    [Test]
    public void The_register_is_a_pcr_of_a_tpm_2_pc_client_platform()
    {
        var open = Swtpm.OpenAsync;

        new TpmClusterIdRegister(open, 23).Index.Should().Be(23);
        FluentActions.Invoking(() => new TpmClusterIdRegister(open, 24)).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static TpmEndpoint Parse(string value) => TpmEndpoint.TryParse(value, out var endpoint) ? endpoint! : throw new ArgumentException(value);

    /// <summary>A TDX quote provider that is there but is never asked (capabilities only check presence).</summary>
    private sealed class NoQuotes : ITdxQuoteProvider
    {
        public ValueTask<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no quote is taken in these tests");
    }
}
