using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Constellation.Atls.DependencyInjection;
using Constellation.Atls.Diagnostics;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;
using Microsoft.Extensions.DependencyInjection;

namespace Constellation.Atls.Tests.DependencyInjection;

/// <summary>
/// <c>AddAtlsClient</c> and <c>AddAtlsServer</c> register and wire aTLS's own <see cref="AtlsMetrics"/>: handshakes are
/// recorded without the attestation library's registrations (no <c>AddConstellationAttestation</c> here).
/// </summary>
public sealed class AtlsMetricsRegistrationTests
{
    [Test]
    public async Task Container_built_clients_and_servers_record_their_handshakes_in_the_registered_atls_metrics()
    {
        var services = new ServiceCollection().AddMetrics();
        services.AddSingleton<IAttestationIssuer>(new DummyIssuer());
        services.AddSingleton<IAttestationValidator>(new DummyValidator());
        services.AddAtlsServer();
        services.AddAtlsClient("attested");
        await using var provider = services.BuildServiceProvider();
        var roles = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, provider.GetRequiredService<IMeterFactory>()) && instrument.Name == AtlsMetrics.HandshakeDurationInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "role")
                {
                    roles.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();

        var serverOptions = provider.GetRequiredService<AtlsServerOptions>().Options;
        await using var host = await AtlsKestrelHost.StartAsync(serverOptions);
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("attested");
        (await http.GetStringAsync(host.Address)).Should().StartWith("hello");

        serverOptions.Metrics.Should().BeSameAs(provider.GetRequiredService<AtlsMetrics>());
        roles.Should().BeEquivalentTo(["client", "server"]);
    }
}
