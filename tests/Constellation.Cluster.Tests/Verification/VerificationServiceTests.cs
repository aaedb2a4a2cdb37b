using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Cluster.Hosting;
using Constellation.Cluster.Protos.Verify;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Cluster.Tests.Verification;

public class VerificationServiceTests
{
    private ServiceHost _grpc = null!;
    private ServiceHost _http = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var service = new VerificationService(new DummyIssuer());
        _grpc = await ServiceHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), PlainHttp2Transport.Instance, NullLoggerFactory.Instance,
            s => s.AddSingleton(service), app => app.MapGrpcService<VerificationServiceApi>());
        _http = await ServiceHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), PlainHttp1Transport.Instance, NullLoggerFactory.Instance,
            s => s.AddSingleton(service), app => app.Run(c => VerificationHttpEndpoint.HandleAsync(c, service)));
        _channel = PlainGrpcChannelFactory.Instance.CreateChannel(_grpc.Address);
        _client = new HttpClient { BaseAddress = new Uri($"http://{_http.Address}/") };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        _channel.Dispose();
        await _grpc.DisposeAsync();
        await _http.DisposeAsync();
    }

    [Test]
    public async Task GetAttestation_binds_VerifyService_and_the_callers_nonce()
    {
        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var response = await new API.APIClient(_channel).GetAttestationAsync(new GetAttestationRequest { Nonce = ByteString.CopyFrom(nonce) });

        var result = await new DummyValidator().ValidateAsync(response.Attestation.ToByteArray(), nonce);
        Encoding.ASCII.GetString(result.UserData.Span).Should().Be("VerifyService");
    }

    [Test]
    public async Task A_document_for_one_nonce_does_not_validate_for_another()
    {
        var response = await new API.APIClient(_channel).GetAttestationAsync(new GetAttestationRequest { Nonce = ByteString.CopyFrom(new byte[32]) });

        var validate = async () => await new DummyValidator().ValidateAsync(response.Attestation.ToByteArray(), Enumerable.Repeat((byte)1, 32).ToArray());
        await validate.Should().ThrowAsync<AttestationBindingException>();
    }

    [Test]
    public async Task GetAttestation_without_a_nonce_is_invalid_argument()
    {
        var call = async () => await new API.APIClient(_channel).GetAttestationAsync(new GetAttestationRequest());

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Be("nonce is required to issue attestation");
    }

    [Test]
    public async Task Http_get_with_a_base64url_nonce_returns_the_document_in_standard_base64()
    {
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)(0xf0 + (i % 16))).ToArray();
        var encoded = Convert.ToBase64String(nonce).Replace('+', '-').Replace('/', '_');

        using var response = await _client.GetAsync($"any/path?nonce={encoded}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var document = Convert.FromBase64String(json.RootElement.GetProperty("data").GetString()!);
        var result = await new DummyValidator().ValidateAsync(document, nonce);
        Encoding.ASCII.GetString(result.UserData.Span).Should().Be("VerifyService");
    }

    [TestCase("", "exactly one non-empty value")]
    [TestCase("?nonce=", "exactly one non-empty value")]
    [TestCase("?nonce=AAAA&nonce=AAAA", "exactly one non-empty value, got 2")]
    [TestCase("?nonce=AAA", "Base64")]
    [TestCase("?nonce=%21%21%21%21", "Base64")]
    public async Task Http_requests_without_exactly_one_valid_nonce_are_400(string query, string message)
    {
        using var response = await _client.GetAsync(query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain(message);
    }
}
