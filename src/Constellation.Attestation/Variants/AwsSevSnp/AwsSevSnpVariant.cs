using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.AwsSevSnp;

/// <summary>
/// The <c>aws-sev-snp</c> variant (1.3.9900.2.2): a NitroTPM quote whose AK a VLEK-signed SEV-SNP report vouches for
/// (REPORT_DATA = SHA-512 of the AK). Built from its config like every SNP variant (<see cref="SnpVariantDefinition"/>).
/// </summary>
public sealed class AwsSevSnpVariant : SnpVariantDefinition
{
    private AwsSevSnpVariant()
        : base(new AttestationVariant("aws-sev-snp", "1.3.9900.2.2", EvidenceFamily.VtpmWithSnp, CloudProvider.Aws, "awsSEVSNP"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static AwsSevSnpVariant Instance { get; } = new();

    /// <summary>Creates the aws-sev-snp validator.</summary>
    /// <param name="options">The SNP configuration.</param>
    /// <param name="measurements">The expected PCRs.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(SnpVariantOptions options, MeasurementSet measurements) =>
        new(Instance.Variant, new AwsSevSnpHooks(options), measurements);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(CreateOptions((SevSnpAttestationConfig)config, services), config.Measurements);
}
