using System.Net;
using Constellation.Atls.DependencyInjection;
using Constellation.Attestation;
using Constellation.Attestation.DependencyInjection;
using Constellation.Attestation.Variants.Dummy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Constellation.Atls.Tests.DependencyInjection;

public class AtlsDependencyInjectionTests
{
    [Test]
    public async Task A_factory_client_and_a_container_configured_kestrel_server_talk_attested_tls()
    {
        var serverBuilder = WebApplication.CreateBuilder();
        serverBuilder.Logging.ClearProviders();
        serverBuilder.Services.AddSingleton<IAttestationIssuer>(new DummyIssuer());
        serverBuilder.Services.AddAtlsServer();
        serverBuilder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseAtls()));
        await using var server = serverBuilder.Build();
        server.MapGet("/", () => "attested hello");
        await server.StartAsync();
        var port = new Uri(server.Urls.First()).Port;

        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.ClearProviders();
        clientBuilder.Services.AddConstellationAttestation(options => options.Variant = "dummy");
        clientBuilder.Services.AddAtlsClient("attested");
        using var client = clientBuilder.Build();
        await client.StartAsync();

        var http = client.Services.GetRequiredService<IHttpClientFactory>().CreateClient("attested");
        var body = await http.GetStringAsync(new Uri($"https://127.0.0.1:{port}/"));

        body.Should().Be("attested hello");
        await client.StopAsync();
        await server.StopAsync();
    }

    [Test]
    public async Task A_server_without_a_registered_issuer_fails_with_a_message_saying_what_to_register()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAtlsServer();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseAtls()));
        var act = async () =>
        {
            // Kestrel resolves its endpoint configuration while the app is built or started; either must fail.
            await using var app = builder.Build();
            await app.StartAsync();
        };

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("no IAttestationIssuer is registered");
    }

    [Test]
    public void A_client_without_a_validator_fails_with_a_message_saying_what_to_register()
    {
        var services = new ServiceCollection();
        services.AddAtlsClient("attested");
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IHttpClientFactory>().CreateClient("attested");

        act.Should().Throw<InvalidOperationException>().WithMessage("*no IAttestationValidator is registered*");
    }
}
