using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>The GCE metadata client against a loopback metadata server.</summary>
public sealed class GceMetadataClientTests : IDisposable
{
    private static readonly Dictionary<string, string> Google = new() { ["Metadata-Flavor"] = "Google" };
    private readonly HttpClient _http = new(CloudMetadataHttp.CreateHandler());

    public void Dispose() => _http.Dispose();

    /// <summary>Plays the GCE metadata server for one instance.</summary>
    internal static HttpStub Server(bool flavored = true) => new(request =>
    {
        if (request.Headers.GetValueOrDefault("metadata-flavor") != "Google")
        {
            return StubReply.Text(403, "Missing Metadata-Flavor:Google header.");
        }

        var headers = flavored ? Google : null;
        return request.Path switch
        {
            "/computeMetadata/v1/project/project-id" => StubReply.Text(200, "constellation-proj", headers),
            "/computeMetadata/v1/instance/zone" => StubReply.Text(200, "projects/123456789/zones/europe-west3-b", headers),
            "/computeMetadata/v1/instance/name" => StubReply.Text(200, "node-0", headers),
            _ => StubReply.Text(404, "not found", headers),
        };
    });

    [Test]
    public async Task The_instance_is_read_with_the_Google_flavor_and_the_zone_is_its_last_segment()
    {
        await using var server = Server();

        var instance = await new GceMetadataClient(_http, new GceMetadataOptions { BaseAddress = server.BaseUri }).GetInstanceInfoAsync();

        instance.Should().Be(new GceInstanceInfo("europe-west3-b", "constellation-proj", "node-0"));
        server.Requests.Should().OnlyContain(r => r.Method == "GET" && r.Headers["metadata-flavor"] == "Google");
    }

    [Test]
    public async Task A_server_that_does_not_answer_with_the_Google_flavor_is_not_the_metadata_server()
    {
        await using var server = Server(flavored: false);

        var act = async () => await new GceMetadataClient(_http, new GceMetadataOptions { BaseAddress = server.BaseUri }).GetInstanceInfoAsync();

        (await act.Should().ThrowAsync<CloudMetadataException>()).Which.Message.Should().Contain("Metadata-Flavor: Google");
    }

    [Test]
    public async Task A_missing_value_is_refused_naming_its_path()
    {
        await using var server = Server();

        var act = async () => await new GceMetadataClient(_http, new GceMetadataOptions { BaseAddress = server.BaseUri }).GetAsync("instance/attributes/nothing");

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.StatusCode.Should().Be(404);
        error.Message.Should().Contain("instance/attributes/nothing");
    }
}
