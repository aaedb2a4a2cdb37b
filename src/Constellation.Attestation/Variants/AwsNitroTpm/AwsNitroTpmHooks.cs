using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.AwsNitroTpm;

/// <summary>
/// aws-nitro-tpm validation hooks: no AK trust (the document's AK is accepted, as upstream does); the CVM check
/// asks EC2 <c>DescribeImages</c> (in the document's region, with the validator's credentials) whether the AMI has
/// <c>TpmSupport == "v2.0"</c>. Thread-safe.
/// </summary>
public sealed class AwsNitroTpmHooks : IVtpmVariantHooks
{
    private readonly Func<string, IAmazonEC2> _clientForRegion;

    /// <summary>Creates the hooks.</summary>
    /// <param name="clientForRegion">Creates an EC2 client for a region (the hooks dispose it); <see langword="null"/> for the SDK default credentials and endpoints.</param>
    public AwsNitroTpmHooks(Func<string, IAmazonEC2>? clientForRegion = null)
    {
        _clientForRegion = clientForRegion ?? AwsNitroTpmVariant.SdkEc2Clients;
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.AkSubjectPublicKeyInfo);
    }

    /// <inheritdoc />
    public async ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var identity = AwsInstanceIdentity.Parse(context.InstanceInfo.Span);
        DescribeImagesResponse response;
        using (var ec2 = _clientForRegion(identity.Region))
        {
            try
            {
                response = await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [identity.ImageId] }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException ex)
            {
                throw new CollateralUnavailableException($"EC2 DescribeImages({identity.ImageId}) in {identity.Region}: {ex.Message}", ex);
            }
            catch (AmazonClientException ex)
            {
                throw new CollateralUnavailableException($"EC2 DescribeImages({identity.ImageId}) in {identity.Region}: {ex.Message}", ex);
            }
        }

        var image = response.Images?.FirstOrDefault()
            ?? throw new AttestationPolicyException([PolicyViolation.Create("ami", $"image {identity.ImageId} to exist in {identity.Region}", "DescribeImages returned no image")]);
        var tpmSupport = image.TpmSupport?.Value;
        if (!string.Equals(tpmSupport, "v2.0", StringComparison.Ordinal))
        {
            throw new AttestationPolicyException([PolicyViolation.Create("ami.tpmSupport", "v2.0", string.IsNullOrEmpty(tpmSupport) ? "not set" : tpmSupport)]);
        }
    }
}
