using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Collateral;

/// <summary>
/// <see cref="CollateralClients"/> builds the KDS and PCS clients from <see cref="CollateralClientOptions"/> without
/// dependency injection, the way <c>AddConstellationCollateral</c> does: one cache, one fetcher, the options' addresses.
/// </summary>
public sealed class CollateralClientsTests
{
    private static readonly byte[] MilanChain = TestData.EvidenceBytes("snp/milan-ask-ark.pem");
    private string _cacheDir = null!;

    [SetUp]
    public void CreateCacheDirectory() => _cacheDir = Directory.CreateTempSubdirectory("collateral-clients-").FullName;

    [TearDown]
    public void DeleteCacheDirectory() => Directory.Delete(_cacheDir, recursive: true);

    [Test]
    public async Task The_KDS_client_fetches_from_the_configured_address_and_a_second_offline_set_reads_the_disk_cache()
    {
        await using var server = new LoopbackHttpServer(path => path == "/vcek/v1/Milan/cert_chain" ? LoopbackReply.Ok(MilanChain) : LoopbackReply.Text(404, "no"));

        using (var online = CollateralClients.Create(new CollateralClientOptions { AmdKdsBaseUri = server.BaseUri, CacheDirectory = _cacheDir }))
        {
            (await online.AmdKds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek)).Subject.Should().Contain("SEV-Milan");
        }

        using (var offline = CollateralClients.Create(new CollateralClientOptions { AmdKdsBaseUri = server.BaseUri, CacheDirectory = _cacheDir, Offline = true }))
        {
            (await offline.AmdKds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek)).Subject.Should().Contain("SEV-Milan");
        }

        server.RequestedPaths.Should().Equal("/vcek/v1/Milan/cert_chain");
    }

    [Test]
    public async Task Offline_clients_with_a_cold_cache_fail_with_collateral_unavailable_and_send_nothing()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok(MilanChain));
        using var clients = CollateralClients.Create(new CollateralClientOptions { AmdKdsBaseUri = server.BaseUri, CacheDirectory = _cacheDir, Offline = true });

        var fetch = () => clients.AmdKds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

        await fetch.Should().ThrowAsync<CollateralUnavailableException>();
        server.RequestCount.Should().Be(0);
        clients.IntelPcs.IsOffline.Should().BeTrue();
        clients.KdsSource.IsOffline.Should().BeTrue();
    }

    [Test]
    public void Both_clients_share_one_cache_and_one_fetcher_with_the_options_retry_settings()
    {
        using var clients = CollateralClients.Create(new CollateralClientOptions { CacheDirectory = _cacheDir, MaxAttempts = 2, AttemptTimeout = TimeSpan.FromSeconds(3) });

        clients.KdsSource.Cache.Should().BeSameAs(clients.Cache);
        clients.Fetcher.Options.MaxAttempts.Should().Be(2);
        clients.Fetcher.Options.AttemptTimeout.Should().Be(TimeSpan.FromSeconds(3));
        clients.Fetcher.Options.Offline.Should().BeFalse();
    }

    [Test]
    public void The_http_client_gives_every_attempt_its_full_time_before_it_times_out_itself()
    {
        var options = new CollateralClientOptions { AttemptTimeout = TimeSpan.FromSeconds(15) };

        CollateralClients.HttpClientTimeout(options).Should().BeGreaterThan(options.AttemptTimeout);
    }

    [TestCase(nameof(CollateralClientOptions.MaxAttempts))]
    [TestCase(nameof(CollateralClientOptions.AttemptTimeout))]
    [TestCase(nameof(CollateralClientOptions.AmdKdsBaseUri))]
    [TestCase(nameof(CollateralClientOptions.IntelPcsBaseUri))]
    [TestCase(nameof(CollateralClientOptions.IntelRootCaCrlUri))]
    public void A_setting_out_of_range_is_refused_with_a_message_naming_it(string setting)
    {
        var options = new CollateralClientOptions { CacheDirectory = _cacheDir };
        var relative = new Uri("kds/", UriKind.Relative);
        switch (setting)
        {
            case nameof(CollateralClientOptions.MaxAttempts): options.MaxAttempts = 0; break;
            case nameof(CollateralClientOptions.AttemptTimeout): options.AttemptTimeout = TimeSpan.Zero; break;
            case nameof(CollateralClientOptions.AmdKdsBaseUri): options.AmdKdsBaseUri = relative; break;
            case nameof(CollateralClientOptions.IntelPcsBaseUri): options.IntelPcsBaseUri = relative; break;
            default: options.IntelRootCaCrlUri = relative; break;
        }

        var create = () => CollateralClients.Create(options);

        create.Should().Throw<ArgumentException>().WithMessage($"*{setting}*");
    }

    [Test]
    public async Task Disposing_the_clients_leaves_a_callers_http_client_usable()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok(MilanChain));
        using var http = new HttpClient();

        CollateralClients.Create(new CollateralClientOptions { AmdKdsBaseUri = server.BaseUri, CacheDirectory = _cacheDir }, http).Dispose();

        (await http.GetAsync(server.BaseUri)).IsSuccessStatusCode.Should().BeTrue();
    }
}
