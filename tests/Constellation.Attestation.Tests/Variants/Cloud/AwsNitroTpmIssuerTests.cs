using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Metadata;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// aws-nitro-tpm issued by the registry's issuer on a swtpm (AK as go-tpm-tools caches it at 0x81008F01) with IMDSv2 played
/// by a loopback server, validated by the aws-nitro-tpm validator with EC2 stubbed.
/// </summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in TearDown.")]
public sealed class AwsNitroTpmIssuerTests
{
    private const string Token = "imds-session-token";
    private const string Identity = "{\"accountId\":\"123456789012\",\"architecture\":\"x86_64\",\"availabilityZone\":\"eu-central-1a\",\"imageId\":\"ami-0123456789abcdef0\",\"instanceId\":\"i-0abc\",\"instanceType\":\"m6a.xlarge\",\"pendingTime\":\"2026-12-01T10:00:00Z\",\"privateIp\":\"10.0.0.1\",\"region\":\"eu-central-1\",\"version\":\"2017-09-30\"}";
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("aws nitro nonce");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("node key");

    private SwtpmProcess _swtpm = null!;
    private CloudFirmware _firmware = null!;
    private HttpStub _imds = null!;
    private HttpStub _ec2 = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _firmware = new CloudFirmware(_swtpm);
        _http = new HttpClient(CloudMetadataHttp.CreateHandler());
        _imds = new HttpStub(r => (r.Method, r.Path) switch
        {
            ("PUT", "/latest/api/token") => StubReply.Text(200, Token),
            ("GET", "/latest/dynamic/instance-identity/document") when r.Headers.GetValueOrDefault("x-aws-ec2-metadata-token") == Token => StubReply.Text(200, Identity),
            _ => StubReply.Text(401, "unauthorized"),
        });
        _ec2 = new HttpStub(_ => (200, "text/xml", AwsNitroTpmTests.DescribeImagesXml("v2.0")));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _imds.DisposeAsync();
        await _ec2.DisposeAsync();
        _http.Dispose();
        _firmware.Dispose();
        await _swtpm.DisposeAsync();
    }

    [Test]
    public async Task The_registry_issuer_quotes_with_the_cached_AK_and_sends_the_IMDS_document_which_validates()
    {
        await _firmware.PersistRsaAkAsync(TpmHandles.DefaultRsaAttestationKey);
        using var issuer = (IDisposable)AwsNitroTpmVariant.Instance.CreateIssuer(Services());

        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
        var result = await Validator(document).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.AwsNitroTpm);
        result.UserData.ToArray().Should().Equal(UserData);
        var parsed = VtpmDocument.Parse(document);
        Encoding.UTF8.GetString(parsed.InstanceInfo.Span).Should().Be(Identity, "the identity document goes out as IMDS sent it");
        parsed.Attestation.AkPublic.ToArray().Should().Equal((await PersistentAkAsync()).RawBytes.ToArray());
    }

    [Test]
    public async Task Without_a_cached_AK_the_templates_owner_primary_is_quoted_with_and_flushed()
    {
        using var issuer = (IDisposable)AwsNitroTpmVariant.Instance.CreateIssuer(Services());

        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        var primary = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate());
        await tpm.FlushContextAsync(primary.Handle);
        VtpmDocument.Parse(document).Attestation.AkPublic.ToArray().Should().Equal(primary.Public.RawBytes.ToArray());
        (await Validator(document).ValidateAsync(document, Nonce)).UserData.ToArray().Should().Equal(UserData);
    }

    [Test]
    public async Task A_key_at_the_AK_handle_that_was_not_made_from_the_AK_template_is_not_quoted_with()
    {
        await _firmware.PersistRsaAkAsync(TpmHandles.DefaultRsaAttestationKey, "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt", "rsa2048:null:null");
        using var issuer = (IDisposable)AwsNitroTpmVariant.Instance.CreateIssuer(Services());

        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        VtpmDocument.Parse(document).Attestation.AkPublic.ToArray().Should().NotEqual((await PersistentAkAsync()).RawBytes.ToArray());
        (await Validator(document).ValidateAsync(document, Nonce)).Variant.Should().Be(AttestationVariant.AwsNitroTpm);
    }

    [Test]
    public async Task An_identity_document_swapped_after_the_quote_is_refused()
    {
        using var issuer = (IDisposable)AwsNitroTpmVariant.Instance.CreateIssuer(Services());
        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
        var parsed = VtpmDocument.Parse(document);
        var swapped = new VtpmDocument(parsed.Attestation, Encoding.UTF8.GetBytes(Identity.Replace("ami-0123456789abcdef0", "ami-0fedcba9876543210", StringComparison.Ordinal)), parsed.UserData.Span).ToJson();

        var act = async () => await Validator(document).ValidateAsync(swapped, Nonce);

        await act.Should().ThrowAsync<AttestationException>();
    }

    [Test]
    public async Task IMDS_refusing_the_token_stops_the_issue_naming_the_endpoint()
    {
        await using var imdsV1Only = new HttpStub(_ => StubReply.Text(403, "IMDSv2 disabled"));
        var services = new VariantIssuerServices { OpenTpm = SwtpmVtpm.Open(_swtpm), VtpmIssuerOptions = SwtpmVtpm.NoEventLog, AwsImds = new AwsImdsClient(_http, new AwsImdsOptions { BaseAddress = imdsV1Only.BaseUri }) };
        using var issuer = (IDisposable)AwsNitroTpmVariant.Instance.CreateIssuer(services);

        var act = async () => await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        (await act.Should().ThrowAsync<CloudMetadataException>()).Which.Message.Should().Contain("latest/api/token").And.Contain("403");
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_an_aws_nitro_tpm_client()
    {
        using var issuer = (IDisposable)AwsNitroTpmVariant.Instance.CreateIssuer(Services());
        var probe = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync((IAttestationIssuer)issuer, Validator(probe));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.AwsNitroTpm.Oid);
        peer.Attestation!.Variant.Should().Be(AttestationVariant.AwsNitroTpm);
    }

    private VariantIssuerServices Services() => new()
    {
        OpenTpm = SwtpmVtpm.Open(_swtpm),
        VtpmIssuerOptions = SwtpmVtpm.NoEventLog,
        AwsImds = new AwsImdsClient(_http, new AwsImdsOptions { BaseAddress = _imds.BaseUri }),
    };

    private IAttestationValidator Validator(byte[] document) =>
        AwsNitroTpmVariant.CreateValidator(SwtpmVtpm.MeasurementsOf(document), AwsNitroTpmTests.Ec2(_ec2));

    private async Task<TpmPublic> PersistentAkAsync()
    {
        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        return (await tpm.ReadPublicAsync(TpmHandles.DefaultRsaAttestationKey)).Public;
    }
}
