using Constellation.Attestation.Collateral;
using System.Diagnostics.Metrics;
using Constellation.Attestation.DependencyInjection;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx;
using Constellation.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Constellation.Attestation.Tests.DependencyInjection;

public class AddConstellationCollateralTests
{
    private static readonly byte[] MilanChain = File.ReadAllBytes(TestData.Evidence("snp/milan-ask-ark.pem"));

    private static ServiceProvider Build(Action<CollateralClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddConstellationCollateral(configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Test]
    public async Task The_registered_KDS_client_fetches_through_the_factory_client_and_a_second_provider_reads_the_disk_cache()
    {
        await using var server = new LoopbackHttpServer(path => path == "/vcek/v1/Milan/cert_chain" ? LoopbackReply.Ok(MilanChain) : LoopbackReply.Text(404, "no"));
        var cacheDir = Directory.CreateTempSubdirectory("collateral-di-").FullName;
        try
        {
            await using (var first = Build(o => { o.AmdKdsBaseUri = server.BaseUri; o.CacheDirectory = cacheDir; }))
            {
                var ask = await first.GetRequiredService<AmdKdsClient>().GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
                ask.Subject.Should().Contain("SEV-Milan");
            }

            await using (var second = Build(o => { o.AmdKdsBaseUri = server.BaseUri; o.CacheDirectory = cacheDir; o.Offline = true; }))
            {
                var cached = await second.GetRequiredService<AmdKdsClient>().GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
                cached.Subject.Should().Contain("SEV-Milan");
            }

            server.RequestedPaths.Should().Equal("/vcek/v1/Milan/cert_chain");
        }
        finally
        {
            Directory.Delete(cacheDir, recursive: true);
        }
    }

    [Test]
    public async Task Cache_lookups_of_the_registered_KDS_client_are_recorded_as_kds_misses_then_hits()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok(MilanChain));
        var cacheDir = Directory.CreateTempSubdirectory("collateral-di-").FullName;
        var lookups = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AttestationTelemetry.MeterName && instrument.Name == AttestationTelemetry.CollateralCacheInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            lock (lookups)
            {
                lookups.Add($"{all.Single(t => t.Key == "source").Value}:{all.Single(t => t.Key == "result").Value}");
            }
        });
        listener.Start();
        try
        {
            await using var provider = Build(o => { o.AmdKdsBaseUri = server.BaseUri; o.CacheDirectory = cacheDir; });
            var kds = provider.GetRequiredService<AmdKdsClient>();

            await kds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
            await kds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

            lookups.Should().Equal("kds:miss", "kds:hit");
        }
        finally
        {
            Directory.Delete(cacheDir, recursive: true);
        }
    }

    [Test]
    public async Task Offline_with_a_cold_cache_fails_with_collateral_unavailable_and_sends_nothing()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok(MilanChain));
        var cacheDir = Directory.CreateTempSubdirectory("collateral-di-").FullName;
        try
        {
            await using var provider = Build(o => { o.AmdKdsBaseUri = server.BaseUri; o.CacheDirectory = cacheDir; o.Offline = true; });

            var fetch = () => provider.GetRequiredService<AmdKdsClient>().GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

            await fetch.Should().ThrowAsync<CollateralUnavailableException>();
            server.RequestCount.Should().Be(0);
            provider.GetRequiredService<IntelPcsClient>().IsOffline.Should().BeTrue();
        }
        finally
        {
            Directory.Delete(cacheDir, recursive: true);
        }
    }

    [Test]
    public void Options_bind_from_configuration_and_share_one_cache_between_both_clients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collateral:IntelPcsBaseUri"] = "http://127.0.0.1:1/",
            ["Collateral:MaxAttempts"] = "2",
            ["Collateral:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "unused-collateral-cache"),
        }).Build();
        var services = new ServiceCollection();
        services.AddConstellationCollateral(configuration.GetSection("Collateral"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<CollateralClientOptions>>().Value;
        options.IntelPcsBaseUri.Should().Be(new Uri("http://127.0.0.1:1/"));
        provider.GetRequiredService<CollateralFetcher>().Options.MaxAttempts.Should().Be(2);
        provider.GetRequiredService<CachedCollateralSource>().Cache.Should().BeSameAs(provider.GetRequiredService<ICollateralCache>());
    }

    [Test]
    public void Zero_attempts_is_refused_with_a_message_naming_the_setting()
    {
        using var provider = Build(o => o.MaxAttempts = 0);

        var resolve = () => provider.GetRequiredService<IOptions<CollateralClientOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().WithMessage("*MaxAttempts*");
    }
}
