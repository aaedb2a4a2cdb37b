using System.Text;
using Amazon.EC2;
using Amazon.Runtime;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>aws-nitro-tpm: the AMI's TpmSupport is asked from a stubbed EC2 endpoint.</summary>
[NonParallelizable]
public class AwsNitroTpmTests
{
    private const string Identity = "{\"accountId\":\"123456789012\",\"architecture\":\"x86_64\",\"availabilityZone\":\"eu-central-1a\",\"imageId\":\"ami-0123456789abcdef0\",\"instanceId\":\"i-0abc\",\"instanceType\":\"m6a.xlarge\",\"privateIp\":\"10.0.0.1\",\"region\":\"eu-central-1\",\"version\":\"2017-09-30\"}";
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("aws nonce");

    internal static string DescribeImagesXml(string? tpmSupport) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeImagesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-1</requestId><imagesSet><item><imageId>ami-0123456789abcdef0</imageId><imageState>available</imageState>"
        + (tpmSupport is null ? string.Empty : $"<tpmSupport>{tpmSupport}</tpmSupport>")
        + "</item></imagesSet></DescribeImagesResponse>";

    [Test]
    public async Task An_AMI_with_TPM_2_support_validates_and_the_request_names_the_image()
    {
        await using var api = new HttpStub(_ => (200, "text/xml", DescribeImagesXml("v2.0")));
        var document = await IssueAsync();

        var result = await AwsNitroTpmVariant.CreateValidator(MeasurementSet.EmptyAllowed, Ec2(api)).ValidateAsync(document, Nonce);

        result.UserData.ToArray().Should().Equal(3);
        var request = api.Requests.Should().ContainSingle().Subject;
        request.Body.Should().Contain("Action=DescribeImages").And.Contain("ImageId.1=ami-0123456789abcdef0");
        request.Headers["authorization"].Should().Contain("eu-central-1/ec2");
    }

    [Test]
    public async Task An_AMI_without_TPM_support_is_a_policy_violation()
    {
        await using var api = new HttpStub(_ => (200, "text/xml", DescribeImagesXml(null)));
        var document = await IssueAsync();

        var act = async () => await AwsNitroTpmVariant.CreateValidator(MeasurementSet.EmptyAllowed, Ec2(api)).ValidateAsync(document, Nonce);

        (await act.Should().ThrowAsync<AttestationPolicyException>()).Which.Violations.Should().ContainSingle()
            .Which.Should().Be(new PolicyViolation("ami.tpmSupport", "v2.0", "not set"));
    }

    [Test]
    public async Task An_EC2_error_is_unavailable_collateral()
    {
        await using var api = new HttpStub(_ => (400, "text/xml", "<?xml version=\"1.0\"?><Response><Errors><Error><Code>InvalidAMIID.NotFound</Code><Message>The image id does not exist</Message></Error></Errors><RequestID>r</RequestID></Response>"));
        var document = await IssueAsync();

        var act = async () => await AwsNitroTpmVariant.CreateValidator(MeasurementSet.EmptyAllowed, Ec2(api)).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<CollateralUnavailableException>().WithMessage("*ami-0123456789abcdef0*");
    }

    [Test]
    public void Instance_info_without_a_region_is_rejected()
    {
        var act = () => AwsInstanceIdentity.Parse(Encoding.UTF8.GetBytes("{\"imageId\":\"ami-1\"}"));

        act.Should().Throw<AttestationFormatException>().WithMessage("*region*");
    }

    internal static Func<string, IAmazonEC2> Ec2(HttpStub api) => region => new AmazonEC2Client(
        new BasicAWSCredentials("AKIDEXAMPLE", "test-secret"),
        new AmazonEC2Config { ServiceURL = api.BaseUri.ToString(), AuthenticationRegion = region, MaxErrorRetry = 0 });

    private static async Task<byte[]> IssueAsync()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = new VtpmIssuer(AttestationVariant.AwsNitroTpm, SwtpmVtpm.Open(swtpm), new IdentityIssuerHooks(), SwtpmVtpm.NoEventLog);
        return await issuer.IssueAsync(new byte[] { 3 }, Nonce);
    }

    private sealed class IdentityIssuerHooks : IVtpmIssuerHooks
    {
        public async ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
            new(await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate(), cancellationToken), ReadOnlyMemory<byte>.Empty, true);

        public ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(Identity));
    }
}
