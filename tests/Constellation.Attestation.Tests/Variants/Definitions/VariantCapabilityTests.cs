using Constellation.Attestation.Config;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Tests.Variants.Definitions;

/// <summary>
/// The registry is the one place variants are listed, and each definition says for each operation whether it can be
/// done and, if not, why: which service is missing, or that the library has no issuer for the variant. The table is
/// written from the spec (shared/spec/variants.md §2), not from the library, so a definition that changes what it
/// needs fails here.
/// </summary>
public class VariantCapabilityTests
{
    // name, service validation needs (null: none), issuing: service it needs, "none" = the library has no issuer.
    private static readonly object?[][] Table =
    [
        ["dummy", null, null],
        ["aws-nitro-tpm", "Ec2Clients", "OpenTpm"],
        ["aws-sev-snp", "AmdKds", "OpenTpm"],
        ["gcp-sev-es", "GceShieldedIdentity", "OpenTpm"],
        ["gcp-sev-snp", "AmdKds", "OpenTpm"],
        ["azure-sev-snp", "AmdKds", "OpenTpm"],
        ["azure-trustedlaunch", null, "OpenTpm"],
        ["azure-tdx", "TdxCollateral", "OpenTpm"],
        ["qemu-vtpm", null, "OpenTpm"],
        ["qemu-tdx", "TdxCollateral", "TdxQuotes"],
    ];

    private static IEnumerable<TestCaseData> Rows() => Table.Select(r => new TestCaseData(r[0], r[1], r[2]).SetArgDisplayNames((string)r[0]!));

    private static IEnumerable<TestCaseData> ValidatorsNeedingAService() => Rows().Where(r => r.Arguments[1] is not null);

    private static IEnumerable<TestCaseData> IssuersNeedingSomething() => Rows().Where(r => r.Arguments[2] is not null);

    private static IEnumerable<TestCaseData> IssuingDefinitions() =>
        Definitions().Where(d => ((AttestationVariantDefinition)d.Arguments[0]!).GetIssuerCapability(VariantTestServices.AllIssuerServices()).IsAvailable);

    private static IEnumerable<TestCaseData> Definitions() =>
        AttestationVariantRegistry.Default.Definitions.Select(d => new TestCaseData(d).SetArgDisplayNames(d.Variant.Name));

    [Test]
    public void The_table_covers_every_variant_of_the_registry_and_nothing_else()
    {
        Table.Select(r => (string)r[0]!).Should().Equal(AttestationVariantRegistry.Default.Variants.Select(v => v.Name));
    }

    [TestCaseSource(nameof(Rows))]
    public void A_validator_is_available_exactly_when_the_service_it_needs_is_there(string name, string? service, string? _)
    {
        var definition = AttestationVariantRegistry.Default.Parse(name);

        var bare = definition.GetValidatorCapability(VariantServices.None);
        var full = definition.GetValidatorCapability(VariantTestServices.AllValidatorServices());

        full.IsAvailable.Should().BeTrue(full.Reason);
        if (service is null)
        {
            bare.IsAvailable.Should().BeTrue(bare.Reason);
        }
        else
        {
            bare.IsAvailable.Should().BeFalse();
            bare.MissingService.Should().Be(service);
            bare.Reason.Should().StartWith($"{name} validation needs ").And.Contain($"VariantServices.{service}");
        }
    }

    [TestCaseSource(nameof(Rows))]
    public void An_issuer_is_available_when_its_machine_is_or_says_the_library_has_none(string name, string? _, string? issuing)
    {
        var definition = AttestationVariantRegistry.Default.Parse(name);

        var bare = definition.GetIssuerCapability(VariantIssuerServices.None);
        var full = definition.GetIssuerCapability(VariantTestServices.AllIssuerServices());

        switch (issuing)
        {
            case null:
                bare.IsAvailable.Should().BeTrue();
                full.IsAvailable.Should().BeTrue();
                break;
            case "none":
                full.IsAvailable.Should().BeFalse();
                full.MissingService.Should().BeNull();
                full.Reason.Should().StartWith($"{name} issuing is not available: this library has no {name} issuer (it needs ");
                bare.Reason.Should().Be(full.Reason);
                break;
            default:
                full.IsAvailable.Should().BeTrue(full.Reason);
                bare.IsAvailable.Should().BeFalse();
                bare.MissingService.Should().Be(issuing);
                bare.Reason.Should().StartWith($"{name} issuing needs ").And.Contain($"VariantIssuerServices.{issuing}");
                break;
        }
    }

    // What each cloud issuer needs besides the TPM, in the order its capability names them (spec variants.md §2).
    private static readonly Dictionary<string, string[]> IssuerNeedsBesidesTheTpm = new()
    {
        ["aws-nitro-tpm"] = ["AwsImds"],
        ["aws-sev-snp"] = ["SnpReports"],
        ["gcp-sev-es"] = ["GceMetadata"],
        ["gcp-sev-snp"] = ["SnpReports", "GceMetadata"],
        ["azure-sev-snp"] = ["AzureInstanceMetadata"],
        ["azure-trustedlaunch"] = ["AzureAkCa"],
        ["azure-tdx"] = ["AzureImds"],
    };

    [Test]
    public void The_library_has_an_issuer_for_every_variant_of_the_registry()
    {
        foreach (var definition in AttestationVariantRegistry.Default.Definitions)
        {
            var capability = definition.GetIssuerCapability(VariantIssuerServices.None);
            capability.IsSupported.Should().BeTrue($"{definition.Variant.Name}: {capability.Reason}");
            definition.GetIssuerCapability(VariantTestServices.AllIssuerServices()).IsAvailable.Should().BeTrue(definition.Variant.Name);
        }
    }

    [Test]
    public void A_cloud_issuer_with_a_TPM_names_each_metadata_service_it_still_lacks_in_turn()
    {
        foreach (var (name, needs) in IssuerNeedsBesidesTheTpm)
        {
            var definition = AttestationVariantRegistry.Default.Parse(name);
            var services = new VariantIssuerServices { OpenTpm = _ => throw new InvalidOperationException("no TPM in these tests") };
            foreach (var need in needs)
            {
                var capability = definition.GetIssuerCapability(services);
                capability.IsAvailable.Should().BeFalse(name);
                capability.IsSupported.Should().BeTrue(name);
                capability.MissingService.Should().Be(need, name);
                capability.Reason.Should().StartWith($"{name} issuing needs ").And.Contain($"VariantIssuerServices.{need}");
                services = VariantTestServices.WithIssuerService(services, need);
            }

            definition.GetIssuerCapability(services).IsAvailable.Should().BeTrue(name);
        }
    }

    [TestCaseSource(nameof(ValidatorsNeedingAService))]
    public void Building_a_validator_without_its_service_is_refused_naming_the_variant_and_the_service(string name, string service, string? _)
    {
        var definition = AttestationVariantRegistry.Default.Parse(name);
        var config = definition.CreateDefaultConfig();

        var act = () => definition.CreateValidator(config, VariantServices.None);

        var error = act.Should().Throw<VariantUnavailableException>().Which;
        error.Variant.Should().Be(definition.Variant);
        error.MissingService.Should().Be(service);
        error.Message.Should().Contain(name).And.Contain(service);
    }

    [TestCaseSource(nameof(IssuersNeedingSomething))]
    public void Building_an_issuer_the_machine_cannot_serve_is_refused_with_the_reason(string name, string? _, string issuing)
    {
        var definition = AttestationVariantRegistry.Default.Parse(name);

        var act = () => definition.CreateIssuer(VariantIssuerServices.None);

        act.Should().Throw<VariantUnavailableException>().Which.Message.Should().Be(definition.GetIssuerCapability(VariantIssuerServices.None).Reason);
    }

    [TestCaseSource(nameof(Definitions))]
    public void Every_validator_the_capability_promises_is_built_from_the_variants_config(AttestationVariantDefinition definition)
    {
        // The defaults carry placeholders and "latest"; a config as the CLI uploads it has resolved numbers (azure-tdx
        // refuses "latest": upstream resolves it before validating).
        var config = definition.Variant == AttestationVariant.AzureTdx ? AzureTdxResolved() : definition.CreateDefaultConfig();

        var validator = definition.CreateValidator(config, VariantTestServices.AllValidatorServices());

        validator.Variant.Should().Be(definition.Variant);
    }

    [TestCaseSource(nameof(IssuingDefinitions))]
    public void Every_issuer_the_capability_promises_is_built(AttestationVariantDefinition definition)
    {
        var issuer = definition.CreateIssuer(VariantTestServices.AllIssuerServices());

        issuer.Variant.Should().Be(definition.Variant);
        (issuer as IDisposable)?.Dispose();
    }

    [Test]
    public void The_collateral_recipe_supplies_the_snp_and_tdx_services_and_keeps_the_others()
    {
        using var collateral = Constellation.Attestation.Collateral.CollateralClients.Create(new Constellation.Attestation.Collateral.CollateralClientOptions { Offline = true });
        var time = TimeProvider.System;
        var services = new VariantServices { TimeProvider = time, Ec2Clients = VariantTestServices.AllValidatorServices().Ec2Clients }.WithCollateral(collateral);

        services.AmdKds.Should().BeSameAs(collateral.AmdKds);
        services.TdxCollateral.Should().BeSameAs(collateral.IntelPcs);
        services.Ec2Clients.Should().NotBeNull();
        services.TimeProvider.Should().BeSameAs(time);
        foreach (var name in new[] { "aws-sev-snp", "azure-tdx", "qemu-tdx", "aws-nitro-tpm" })
        {
            AttestationVariantRegistry.Default.Parse(name).GetValidatorCapability(services).IsAvailable.Should().BeTrue(name);
        }
    }

    private static AttestationConfig AzureTdxResolved() => AttestationConfigJson.Parse(
        AttestationVariant.AzureTdx,
        "{\"measurements\":{\"4\":{\"expected\":\"" + new string('a', 64) + "\",\"warnOnly\":false}},\"qeSVN\":0,\"pceSVN\":0,\"teeTCBSVN\":\"\",\"qeVendorID\":\"\",\"xfam\":\"\",\"intelRootKey\":\"\"}");
}
