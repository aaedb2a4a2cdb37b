using Constellation.Tests;
using Constellation.Attestation.Collateral;

namespace Constellation.Attestation.Tests.Collateral;

public class CachedCollateralSourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset? Forever(CollateralResponse response) => null;

    [Test]
    public async Task A_cache_hit_does_not_touch_the_network()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("fresh"u8.ToArray()));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        await cache.SetAsync("k", new CollateralEntry("cached"u8, Now, null));
        var source = new CachedCollateralSource(cache, new CollateralFetcher(http), new RecordingTimeProvider(Now));

        var entry = await source.GetAsync("k", server.BaseUri, Forever);

        entry.Content.ToArray().Should().Equal("cached"u8.ToArray());
        server.RequestCount.Should().Be(0);
    }

    [Test]
    public async Task A_miss_is_fetched_once_stored_and_then_served_from_the_cache()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("fresh"u8.ToArray()));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        var source = new CachedCollateralSource(cache, new CollateralFetcher(http), new RecordingTimeProvider(Now));

        await source.GetAsync("k", server.BaseUri, _ => Now.AddDays(1));
        var second = await source.GetAsync("k", server.BaseUri, _ => Now.AddDays(1));

        second.Content.ToArray().Should().Equal("fresh"u8.ToArray());
        second.ExpiresAt.Should().Be(Now.AddDays(1));
        server.RequestCount.Should().Be(1);
    }

    [Test]
    public async Task An_expired_entry_is_fetched_again()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("fresh"u8.ToArray()));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        await cache.SetAsync("k", new CollateralEntry("stale"u8, Now.AddDays(-2), Now.AddDays(-1)));
        var source = new CachedCollateralSource(cache, new CollateralFetcher(http), new RecordingTimeProvider(Now));

        var entry = await source.GetAsync("k", server.BaseUri, _ => Now.AddDays(1));

        entry.Content.ToArray().Should().Equal("fresh"u8.ToArray());
        server.RequestCount.Should().Be(1);
    }

    [Test]
    public async Task Offline_mode_with_a_cold_cache_fails_with_collateral_unavailable_and_no_request()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("fresh"u8.ToArray()));
        using var http = new HttpClient();
        var source = new CachedCollateralSource(new MemoryCollateralCache(), new CollateralFetcher(http, CollateralFetcherOptions.OfflineOnly));

        var act = () => source.GetAsync("k", server.BaseUri, Forever);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("not in the cache");
        server.RequestCount.Should().Be(0);
        source.IsOffline.Should().BeTrue();
    }

    [Test]
    public async Task Offline_mode_with_an_expired_entry_fails_and_says_when_it_expired()
    {
        var cache = new MemoryCollateralCache();
        await cache.SetAsync("k", new CollateralEntry("stale"u8, Now.AddDays(-2), Now.AddDays(-1)));
        var source = new CachedCollateralSource(cache, fetcher: null, new RecordingTimeProvider(Now));

        var act = () => source.GetAsync("k", new Uri("http://127.0.0.1:9/"), Forever);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("expired");
    }

    [Test]
    public async Task Offline_mode_with_a_warm_cache_serves_the_entry()
    {
        var cache = new MemoryCollateralCache();
        await cache.SetAsync("k", new CollateralEntry("cached"u8, Now, null));
        var source = new CachedCollateralSource(cache, fetcher: null);

        (await source.GetAsync("k", new Uri("http://127.0.0.1:9/"), Forever)).Content.ToArray().Should().Equal("cached"u8.ToArray());
    }

    [Test]
    public async Task A_download_the_caller_rejects_is_not_cached()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("garbage"u8.ToArray()));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        var source = new CachedCollateralSource(cache, new CollateralFetcher(http));

        var act = () => source.GetAsync("k", server.BaseUri, _ => throw new AttestationFormatException("not a certificate"));

        await act.Should().ThrowAsync<AttestationFormatException>();
        cache.Count.Should().Be(0);
    }

    [Test]
    public async Task Concurrent_requests_for_one_key_share_one_download()
    {
        using var gate = new ManualResetEventSlim();
        await using var server = new LoopbackHttpServer(_ =>
        {
            gate.Wait(TimeSpan.FromSeconds(10));
            return LoopbackReply.Ok("shared"u8.ToArray());
        });
        using var http = new HttpClient();
        var source = new CachedCollateralSource(new MemoryCollateralCache(), new CollateralFetcher(http));

        // All eight calls join the in-flight download synchronously (the memory cache answers synchronously),
        // before the gate lets the server answer.
        var requests = Enumerable.Range(0, 8).Select(_ => source.GetAsync("k", server.BaseUri, Forever)).ToArray();
        gate.Set();
        var entries = await Task.WhenAll(requests);

        entries.Select(e => e.Content.ToArray()).Should().AllSatisfy(c => c.Should().Equal("shared"u8.ToArray()));
        server.RequestCount.Should().Be(1);
    }

    [Test]
    public async Task The_persistent_cache_survives_a_new_source_so_a_restart_needs_no_network()
    {
        var dir = Directory.CreateTempSubdirectory("collateral-source-").FullName;
        try
        {
            await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("vcek"u8.ToArray()));
            using var http = new HttpClient();
            await new CachedCollateralSource(TieredCollateralCache.CreateDefault(dir), new CollateralFetcher(http)).GetAsync("k", server.BaseUri, Forever);

            var offline = new CachedCollateralSource(TieredCollateralCache.CreateDefault(dir), new CollateralFetcher(http, CollateralFetcherOptions.OfflineOnly));
            var entry = await offline.GetAsync("k", server.BaseUri, Forever);

            entry.Content.ToArray().Should().Equal("vcek"u8.ToArray());
            server.RequestCount.Should().Be(1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
