using System;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>
/// The <c>gcp-sev-snp</c> variant (1.3.9900.3.2): a GCE vTPM quote whose AK is the instance's shielded-instance identity
/// key, with a VCEK-signed SEV-SNP report bound to the nonce. Its validator needs <see cref="VariantServices.AmdKds"/>
/// and <see cref="VariantServices.GceShieldedIdentity"/>.
/// </summary>
public sealed class GcpSevSnpVariant : SnpVariantDefinition
{
    private GcpSevSnpVariant()
        : base(new AttestationVariant("gcp-sev-snp", "1.3.9900.3.2", EvidenceFamily.VtpmWithSnp, CloudProvider.Gcp, "gcpSEVSNP"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static GcpSevSnpVariant Instance { get; } = new();

    /// <summary>Creates the gcp-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="identity">The GCE shielded identity lookup.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, IGceShieldedIdentitySource identity, MeasurementSet measurements) =>
        new(Instance.Variant, new GcpSevSnpHooks(options, identity), measurements);

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var snp = base.GetValidatorCapability(services);
        return snp.IsAvailable
            ? Needs(services.GceShieldedIdentity, "validation", "an IGceShieldedIdentityClient for the instance's AK (VariantServices.GceShieldedIdentity)", nameof(VariantServices.GceShieldedIdentity))
            : snp;
    }

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(CreateOptions((SevSnpAttestationConfig)config, services), new GceShieldedIdentityPem(services.GceShieldedIdentity!), config.Measurements);
}
