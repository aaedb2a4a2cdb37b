using Constellation.Attestation.DependencyInjection;
using Constellation.Attestation.Tests.Variants.Cloud;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Attestation.Tests.DependencyInjection;

/// <summary><c>AddConstellationCloudMetadata</c>: the clients over named HTTP clients that never follow a redirect.</summary>
public class CloudMetadataRegistrationTests
{
    [Test]
    public async Task The_clients_resolve_and_their_named_HTTP_client_does_not_follow_redirects()
    {
        await using var elsewhere = new HttpStub(_ => StubReply.Text(200, "moved here"));
        await using var redirecting = new HttpStub(_ => StubReply.Text(302, string.Empty, new Dictionary<string, string> { ["Location"] = elsewhere.BaseUri.ToString() }));
        var services = new ServiceCollection().AddConstellationCloudMetadata(gce: new GceMetadataOptions { BaseAddress = redirecting.BaseUri, Retry = new() { MaxAttempts = 1 } });
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<AwsImdsClient>().Should().NotBeNull();
        provider.GetRequiredService<AzureImdsClient>().Should().NotBeNull();
        provider.GetRequiredService<AzureAkCaClient>().Should().NotBeNull();
        var act = async () => await provider.GetRequiredService<GceMetadataClient>().GetAsync("instance/name");

        (await act.Should().ThrowAsync<CloudMetadataException>()).Which.StatusCode.Should().Be(302);
        elsewhere.Requests.Should().BeEmpty();
    }
}
