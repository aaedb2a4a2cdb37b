using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AwsNitroTpm;

/// <summary>
/// The <c>aws-nitro-tpm</c> variant (1.3.9900.2.1): a NitroTPM quote whose AK is accepted as sent (as upstream), with EC2
/// asked whether the instance's AMI has NitroTPM support. Its validator needs <see cref="VariantServices.Ec2Clients"/>; its issuer the NitroTPM and IMDSv2.
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
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.OpenTpm, "issuing", "the NitroTPM of an EC2 instance (VariantIssuerServices.OpenTpm)", nameof(VariantIssuerServices.OpenTpm))
            .And(Needs(services.AwsImds, "issuing", "the EC2 instance metadata service for the instance identity document (VariantIssuerServices.AwsImds)", nameof(VariantIssuerServices.AwsImds)));
    }

    /// <summary>Creates an aws-nitro-tpm issuer.</summary>
    /// <param name="openTpm">Opens a transport to the NitroTPM (one per issue).</param>
    /// <param name="imds">The IMDSv2 client.</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, AwsImdsClient imds, VtpmIssuerOptions? options = null) =>
        new(Instance.Variant, openTpm, new AwsNitroTpmIssuerHooks(imds), options);

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) =>
        CreateIssuer(services.OpenTpm!, services.AwsImds!, services.VtpmIssuerOptions);

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        CreateValidator(config.Measurements, services.Ec2Clients);
}
