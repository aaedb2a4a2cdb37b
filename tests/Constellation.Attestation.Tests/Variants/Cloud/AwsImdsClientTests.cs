using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Metadata;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>IMDSv2 against a loopback IMDS: token first, every read with it, transient failures retried, everything else final.</summary>
public sealed class AwsImdsClientTests : IDisposable
{
    private const string Token = "AQAEAFake-session-token==";
    private const string Document = "{\"accountId\":\"123456789012\",\"architecture\":\"x86_64\",\"availabilityZone\":\"eu-central-1a\",\"imageId\":\"ami-0123\",\"instanceId\":\"i-0abc\",\"instanceType\":\"m6a.large\",\"pendingTime\":\"2026-12-01T10:00:00Z\",\"privateIp\":\"10.0.0.5\",\"region\":\"eu-central-1\",\"version\":\"2017-09-30\"}";
    private static readonly CloudMetadataRetryOptions Fast = new() { AttemptTimeout = TimeSpan.FromMilliseconds(500), MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(10) };
    private readonly HttpClient _http = new(CloudMetadataHttp.CreateHandler());

    public void Dispose() => _http.Dispose();

    [Test]
    public async Task The_identity_document_is_read_with_a_session_token_and_never_without_one()
    {
        await using var imds = Imds();

        var document = await Client(imds.BaseUri).GetInstanceIdentityDocumentAsync();

        System.Text.Encoding.UTF8.GetString(document).Should().Be(Document);
        var requests = imds.Requests.ToArray();
        requests.Select(r => (r.Method, r.Path)).Should().Equal(("PUT", "/latest/api/token"), ("GET", "/latest/dynamic/instance-identity/document"));
        requests[0].Headers["x-aws-ec2-metadata-token-ttl-seconds"].Should().Be("60");
        requests[1].Headers["x-aws-ec2-metadata-token"].Should().Be(Token);
    }

    [Test]
    public async Task A_server_error_is_retried_and_the_retry_succeeds()
    {
        var failures = 1;
        await using var imds = Imds(r => r.Method == "PUT" && Interlocked.Decrement(ref failures) >= 0 ? StubReply.Text(503, "busy") : null);

        var document = await Client(imds.BaseUri).GetInstanceIdentityDocumentAsync();

        document.Should().NotBeEmpty();
        imds.Requests.Count(r => r.Method == "PUT").Should().Be(2);
    }

    [Test]
    public async Task A_refusal_is_final_and_names_the_endpoint_and_status()
    {
        await using var imds = Imds(r => r.Method == "GET" ? StubReply.Text(404, "not found") : null);

        var act = async () => await Client(imds.BaseUri).GetInstanceIdentityDocumentAsync();

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.StatusCode.Should().Be(404);
        error.Endpoint.Should().Be(new Uri(imds.BaseUri, "latest/dynamic/instance-identity/document"));
        error.Message.Should().Contain("HTTP 404").And.Contain(error.Endpoint!.ToString());
        imds.Requests.Count(r => r.Method == "GET").Should().Be(1, "a 404 is not transient");
    }

    [Test]
    public async Task A_redirect_is_not_followed()
    {
        await using var elsewhere = new HttpStub(_ => StubReply.Text(200, Document));
        await using var imds = Imds(r => r.Method == "GET"
            ? StubReply.Text(302, string.Empty, new Dictionary<string, string> { ["Location"] = new Uri(elsewhere.BaseUri, "latest/dynamic/instance-identity/document").ToString() })
            : null);

        var act = async () => await Client(imds.BaseUri).GetInstanceIdentityDocumentAsync();

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.StatusCode.Should().Be(302);
        error.Message.Should().Contain("not followed");
        elsewhere.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task An_answer_a_caller_supplied_handler_fetched_from_elsewhere_after_a_redirect_is_refused()
    {
        using var following = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true });
        await using var elsewhere = new HttpStub(_ => StubReply.Text(200, Document));
        await using var imds = Imds(r => r.Method == "GET"
            ? StubReply.Text(307, string.Empty, new Dictionary<string, string> { ["Location"] = new Uri(elsewhere.BaseUri, "latest/dynamic/instance-identity/document").ToString() })
            : null);

        var act = async () => await new AwsImdsClient(following, new AwsImdsOptions { BaseAddress = imds.BaseUri, Retry = Fast }).GetInstanceIdentityDocumentAsync();

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.Message.Should().Contain("redirected").And.Contain(elsewhere.BaseUri.Authority);
    }

    [Test]
    public async Task An_unanswered_request_times_out_after_the_configured_attempts()
    {
        await using var imds = new FaultInjectingHttpServer((_, _) => new HttpFault.Hang());
        var client = new AwsImdsClient(_http, new AwsImdsOptions { BaseAddress = imds.BaseUri, Retry = new() { AttemptTimeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 2, InitialBackoff = TimeSpan.Zero } });

        var act = async () => await client.GetInstanceIdentityDocumentAsync();

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.StatusCode.Should().BeNull();
        error.Message.Should().Contain("did not answer within 0.2 s").And.Contain("after 2 attempts");
        imds.RequestCount.Should().Be(2);
    }

    [Test]
    public async Task The_session_token_never_appears_in_an_error()
    {
        await using var imds = Imds(r => r.Method == "GET" ? StubReply.Text(500, Token) : null);

        var act = async () => await Client(imds.BaseUri).GetInstanceIdentityDocumentAsync();

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.ToString().Should().NotContain(Token);
    }

    [Test]
    public async Task A_document_without_a_region_is_refused_before_it_is_sent()
    {
        await using var imds = Imds(r => r.Method == "GET" ? StubReply.Text(200, "{\"imageId\":\"ami-0123\"}") : null);

        var act = async () => await Client(imds.BaseUri).GetInstanceIdentityDocumentAsync();

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*region*");
    }

    [Test]
    public void A_token_lifetime_IMDS_would_refuse_is_refused_up_front()
    {
        var act = () => new AwsImdsClient(_http, new AwsImdsOptions { TokenLifetime = TimeSpan.FromHours(7) });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1 s to 6 h*");
    }

    private static HttpStub Imds(Func<StubRequest, StubReply?>? fault = null) => new(request =>
        fault?.Invoke(request) ?? (request.Method, request.Path) switch
        {
            ("PUT", "/latest/api/token") when request.Headers.ContainsKey("x-aws-ec2-metadata-token-ttl-seconds") => StubReply.Text(200, Token),
            ("GET", "/latest/dynamic/instance-identity/document") when request.Headers.GetValueOrDefault("x-aws-ec2-metadata-token") == Token => new StubReply(200, System.Text.Encoding.UTF8.GetBytes(Document), "application/json"),
            ("GET", _) => StubReply.Text(401, "IMDSv1 is disabled"),
            _ => StubReply.Text(400, "bad request"),
        });

    private AwsImdsClient Client(Uri baseAddress) => new(_http, new AwsImdsOptions { BaseAddress = baseAddress, Retry = Fast });
}
