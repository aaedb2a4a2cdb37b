using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Snp;

public class AmdKdsClientTests
{
    private const string AzureVcekPath = "/vcek/v1/Milan/9e44aaef02cfca6fddbaca669c6cfd29e1ab8d97ebc9398571" + "28acbb13b8740df31436d34e86e5f8ae0cdfeb3a0e185db46decac176cc77d761c22a1b9dcf25b?blSPL=2&teeSPL=0&snpSPL=6&ucodeSPL=93";

    private static LoopbackReply Kds(string path) => path switch
    {
        AzureVcekPath => LoopbackReply.Ok(SnpVectors.AzureVcek.RawData),
        "/vcek/v1/Milan/cert_chain" => LoopbackReply.Ok(File.ReadAllBytes(TestData.Evidence("snp/milan-ask-ark.pem"))),
        "/vlek/v1/Milan/cert_chain" => LoopbackReply.Ok(File.ReadAllBytes(TestData.Evidence("snp/milan-asvk-ark.pem"))),
        _ => LoopbackReply.Text(404, "not found"),
    };

    private static AmdKdsClient Client(LoopbackHttpServer server, HttpClient http, ICollateralCache cache, CollateralFetcherOptions? options = null) =>
        new(new CachedCollateralSource(cache, new CollateralFetcher(http, options ?? new CollateralFetcherOptions { TimeProvider = new RecordingTimeProvider() })), new AmdKdsOptions { BaseUri = server.BaseUri });

    [Test]
    public async Task The_VCEK_is_fetched_by_chip_id_and_reported_TCB_and_the_report_then_verifies()
    {
        await using var server = new LoopbackHttpServer(Kds);
        using var http = new HttpClient();
        var kds = Client(server, http, new MemoryCollateralCache());
        var report = SnpReport.Parse(SnpVectors.AzureReportBytes);

        var vcek = await kds.GetVcekAsync(report, SnpProductLine.Milan);
        var ask = await kds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

        server.RequestedPaths.Should().Equal(AzureVcekPath, "/vcek/v1/Milan/cert_chain");
        SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(report, new SnpEvidenceCertificates(vcek, ask)).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task A_cache_hit_avoids_the_network()
    {
        await using var server = new LoopbackHttpServer(Kds);
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        var report = SnpReport.Parse(SnpVectors.AzureReportBytes);
        await Client(server, http, cache).GetVcekAsync(report, SnpProductLine.Milan);
        var before = server.RequestCount;

        var again = await Client(server, http, cache).GetVcekAsync(report, SnpProductLine.Milan);

        server.RequestCount.Should().Be(before);
        again.RawData.Should().Equal(SnpVectors.AzureVcek.RawData);
    }

    [Test]
    public async Task A_429_with_Retry_After_is_honoured()
    {
        var calls = 0;
        await using var server = new LoopbackHttpServer(path => Interlocked.Increment(ref calls) == 1
            ? LoopbackReply.Text(429, "rate limited", new Dictionary<string, string> { ["Retry-After"] = "11" })
            : Kds(path));
        using var http = new HttpClient();
        var clock = new RecordingTimeProvider();
        var kds = Client(server, http, new MemoryCollateralCache(), new CollateralFetcherOptions { TimeProvider = clock });

        await kds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vlek);

        clock.RequestedDelays.Should().Equal(TimeSpan.FromSeconds(11));
        server.RequestedPaths.Should().Equal("/vlek/v1/Milan/cert_chain", "/vlek/v1/Milan/cert_chain");
    }

    [Test]
    public async Task Offline_mode_with_a_cold_cache_fails_with_collateral_unavailable_and_sends_nothing()
    {
        await using var server = new LoopbackHttpServer(Kds);
        using var http = new HttpClient();
        var kds = Client(server, http, new MemoryCollateralCache(), CollateralFetcherOptions.OfflineOnly);

        var act = () => kds.GetVcekAsync(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpProductLine.Milan);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("offline mode").And.Contain("vcek/v1/Milan");
        server.RequestCount.Should().Be(0);
    }

    [Test]
    public async Task A_masked_chip_id_cannot_be_used_to_fetch_a_VCEK()
    {
        await using var server = new LoopbackHttpServer(Kds);
        using var http = new HttpClient();

        var act = () => Client(server, http, new MemoryCollateralCache()).GetVcekAsync(SnpReport.Parse(SnpVectors.AwsReportBytes), SnpProductLine.Milan);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("masked");
        server.RequestCount.Should().Be(0);
    }

    [Test]
    public async Task A_download_that_is_not_a_certificate_is_rejected_and_not_cached()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("<html>maintenance</html>"u8.ToArray()));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();

        var act = () => Client(server, http, cache).GetVcekAsync(SnpReport.Parse(SnpVectors.AzureReportBytes), SnpProductLine.Milan);

        await act.Should().ThrowAsync<CollateralUnavailableException>();
        cache.Count.Should().Be(0);
    }

    [Test]
    public async Task The_VLEK_chain_CRL_comes_from_the_vlek_path_and_is_cached_until_its_nextUpdate()
    {
        using var pki = SnpTestPki.Create(kind: SnpEndorsementKind.Vlek);
        var crl = pki.CurrentCrl();
        await using var server = new LoopbackHttpServer(path => path == "/vlek/v1/Milan/crl" ? LoopbackReply.Ok(crl) : LoopbackReply.Text(404, "not found"));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        var clock = new RecordingTimeProvider(SnpTestPki.At);
        var kds = new AmdKdsClient(new CachedCollateralSource(cache, new CollateralFetcher(http, new CollateralFetcherOptions { TimeProvider = clock }), clock), new AmdKdsOptions { BaseUri = server.BaseUri });

        (await kds.GetRevocationListAsync(SnpProductLine.Milan, SnpEndorsementKind.Vlek, pki.Ark)).RawData.ToArray().Should().Equal(crl);
        await kds.GetRevocationListAsync(SnpProductLine.Milan, SnpEndorsementKind.Vlek, pki.Ark);
        server.RequestCount.Should().Be(1, "the CRL is served from the cache before its nextUpdate");

        clock.SetNow(SnpTestPki.At.AddDays(30));
        await kds.GetRevocationListAsync(SnpProductLine.Milan, SnpEndorsementKind.Vlek, pki.Ark);
        server.RequestedPaths.Should().Equal("/vlek/v1/Milan/crl", "/vlek/v1/Milan/crl");
    }

    [Test]
    public async Task A_CRL_without_nextUpdate_is_not_cached_because_it_would_never_expire()
    {
        using var pki = SnpTestPki.Create();
        var crl = pki.CrlWithoutNextUpdate(SnpTestPki.At.AddDays(-1));
        await using var server = new LoopbackHttpServer(path => path == "/vcek/v1/Milan/crl" ? LoopbackReply.Ok(crl) : LoopbackReply.Text(404, "not found"));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();

        var act = () => Client(server, http, cache).GetRevocationListAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek, pki.Ark);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("without nextUpdate");
        cache.Count.Should().Be(0);
    }

    [Test]
    public void Turin_VCEK_URLs_use_the_first_8_chip_id_bytes_and_the_FMC_SPL()
    {
        var kds = new AmdKdsClient(new CachedCollateralSource(new MemoryCollateralCache(), null));
        var chipId = Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();

        var uri = kds.VcekUri(SnpProductLine.Turin, chipId, SnpTcbVersion.FromComponents(SnpProductLine.Turin, 2, 3, 4, 9, fmc: 1));

        uri.AbsoluteUri.Should().Be("https://kdsintf.amd.com/vcek/v1/Turin/0102030405060708?fmcSPL=1&blSPL=2&teeSPL=3&snpSPL=4&ucodeSPL=9");
    }
}
