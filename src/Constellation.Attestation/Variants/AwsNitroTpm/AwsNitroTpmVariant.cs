using System;
using Amazon;
using Amazon.EC2;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AwsNitroTpm;

/// <summary>
/// The <c>aws-nitro-tpm</c> variant (1.3.9900.2.1): a NitroTPM quote whose AK is accepted as sent (as upstream), with EC2
/// asked whether the instance's AMI has NitroTPM support. Its validator needs <see cref="VariantServices.Ec2Clients"/>.
/// </summary>
public sealed class AwsNitroTpmVariant : VtpmVariantDefinition
{
    private AwsNitroTpmVariant()
        : base(new AttestationVariant("aws-nitro-tpm", "1.3.9900.2.1", EvidenceFamily.Vtpm, CloudProvider.Aws, "awsNitroTPM"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static AwsNitroTpmVariant Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>1: AWS prefers aws-sev-snp.</remarks>
    public override int ProviderRank => 1;

    /// <summary>Gets EC2 clients with the AWS SDK's default credentials and the region's endpoint (for <see cref="VariantServices.Ec2Clients"/>).</summary>
    public static Func<string, IAmazonEC2> SdkEc2Clients { get; } = region => new AmazonEC2Client(RegionEndpoint.GetBySystemName(region));

    /// <summary>Creates an aws-nitro-tpm validator.</summary>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <param name="clientForRegion">Creates EC2 clients; <see langword="null"/> for SDK defaults.</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(MeasurementSet measurements, Func<string, IAmazonEC2>? clientForRegion = null) =>
        new(Instance.Variant, new AwsNitroTpmHooks(clientForRegion), measurements);

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.Ec2Clients, "validation", "an EC2 client factory to check the AMI's NitroTPM support (VariantServices.Ec2Clients)", nameof(VariantServices.Ec2Clients));
    }

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services) =>
        NoIssuer("the NitroTPM of an AWS instance");

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(config.Measurements, services.Ec2Clients);
}
