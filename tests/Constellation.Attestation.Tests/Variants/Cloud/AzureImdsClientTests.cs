using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>The Azure IMDS client (THIM, VM tags) against a loopback IMDS.</summary>
public sealed class AzureImdsClientTests : IDisposable
{
    private readonly HttpClient _http = new(CloudMetadataHttp.CreateHandler());

    public void Dispose() => _http.Dispose();

    /// <summary>Plays Azure IMDS: THIM answers <paramref name="thim"/>, the compute metadata carries <paramref name="tags"/>.</summary>
    internal static HttpStub Server(string thim, string tags = "[]") => new(request =>
    {
        if (request.Headers.GetValueOrDefault("metadata") != "true")
        {
            return StubReply.Text(400, "{\"error\":\"Bad request. Required metadata header not specified\"}");
        }

        return request.Path switch
        {
            "/metadata/THIM/amd/certification" => StubReply.Text(200, thim),
            "/metadata/instance/compute?api-version=2021-02-01&format=json" => StubReply.Text(200, "{\"name\":\"vm\",\"tagsList\":" + tags + "}"),
            _ => StubReply.Text(404, "not found"),
        };
    });

    internal static string Thim(string vcekPem, string chainPem) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["vcekCert"] = vcekPem, ["tcbm"] = "DB18000000000004", ["certificateChain"] = chainPem, ["cacheControl"] = "86400" });

    [Test]
    public async Task THIM_certificates_are_read_with_the_Metadata_header()
    {
        await using var server = Server(Thim("VCEK PEM", "ASK ARK PEM"));

        var certificates = await new AzureImdsClient(_http, new AzureImdsOptions { BaseAddress = server.BaseUri }).GetThimCertificatesAsync();

        certificates.Should().Be(new AzureThimCertificates("VCEK PEM", "ASK ARK PEM"));
        server.Requests.Single().Headers["metadata"].Should().Be("true");
    }

    [Test]
    public async Task A_THIM_answer_without_the_chain_is_refused()
    {
        await using var server = Server("{\"vcekCert\":\"VCEK PEM\"}");

        var act = async () => await new AzureImdsClient(_http, new AzureImdsOptions { BaseAddress = server.BaseUri }).GetThimCertificatesAsync();

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*no certificateChain*");
    }

    [Test]
    public async Task The_MAA_URL_is_the_VM_tag_and_empty_without_it()
    {
        await using var tagged = Server("{}", "[{\"name\":\"constellation-uid\",\"value\":\"x\"},{\"name\":\"constellation-maa-url\",\"value\":\"https://maa.example\"}]");
        await using var untagged = Server("{}");

        (await new AzureImdsClient(_http, new AzureImdsOptions { BaseAddress = tagged.BaseUri }).GetMaaUrlAsync()).Should().Be("https://maa.example");
        (await new AzureImdsClient(_http, new AzureImdsOptions { BaseAddress = untagged.BaseUri }).GetMaaUrlAsync()).Should().BeEmpty();
    }
}
