namespace Constellation.Packaging.Tests.Samples;

[TestsSample("AtlsHttpClientFactory")]
public class AtlsHttpClientFactorySampleTests
{
    [Test]
    public async Task The_atls_sample_serves_on_kestrel_and_calls_itself_once_through_an_attested_http_client_factory_client()
    {
        var (code, output) = await SampleBuilds.RunAsync("AtlsHttpClientFactory");

        code.Should().Be(0, output);
        output.Should().MatchRegex(@"listening https://127\.0\.0\.1:\d+/")
            .And.Contain("server attested (dummy), response: hello from an attested server")
            .And.Contain("verdict: valid");
    }
}
