using Constellation.Tests;
using System.Net;
using System.Net.Sockets;
using Constellation.Attestation.Collateral;

namespace Constellation.Attestation.Tests.Collateral;

public class CollateralFetcherTests
{
    private static CollateralFetcher Fetcher(HttpClient http, RecordingTimeProvider clock, int maxAttempts = 4, TimeSpan? maxRetryAfter = null) =>
        new(http, new CollateralFetcherOptions
        {
            MaxAttempts = maxAttempts,
            InitialBackoff = TimeSpan.FromSeconds(1),
            MaxBackoff = TimeSpan.FromSeconds(3),
            MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromMinutes(2),
            TimeProvider = clock,
        });

    [Test]
    public async Task A_successful_response_returns_body_and_headers()
    {
        await using var server = new LoopbackHttpServer(_ => new LoopbackReply(200, "der"u8.ToArray(), new Dictionary<string, string> { ["X-Issuer-Chain"] = "pem" }));
        using var http = new HttpClient();

        var response = await Fetcher(http, new RecordingTimeProvider()).FetchAsync(new Uri(server.BaseUri, "vcek/v1/Milan/cert_chain"));

        response.Content.ToArray().Should().Equal("der"u8.ToArray());
        response.Headers["x-issuer-chain"].Should().Be("pem");
        server.RequestedPaths.Should().Equal("/vcek/v1/Milan/cert_chain");
    }

    [Test]
    public async Task A_429_with_Retry_After_is_waited_out_for_exactly_the_requested_time_then_retried()
    {
        var calls = 0;
        await using var server = new LoopbackHttpServer(_ => Interlocked.Increment(ref calls) == 1
            ? LoopbackReply.Text(429, "slow down", new Dictionary<string, string> { ["Retry-After"] = "7" })
            : LoopbackReply.Ok("ok"u8.ToArray()));
        using var http = new HttpClient();
        var clock = new RecordingTimeProvider();

        var response = await Fetcher(http, clock).FetchAsync(server.BaseUri);

        response.Content.ToArray().Should().Equal("ok"u8.ToArray());
        server.RequestCount.Should().Be(2);
        clock.RequestedDelays.Should().Equal(TimeSpan.FromSeconds(7));
    }

    [Test]
    public async Task A_Retry_After_date_is_converted_to_a_delay_from_now()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var calls = 0;
        await using var server = new LoopbackHttpServer(_ => Interlocked.Increment(ref calls) == 1
            ? LoopbackReply.Text(503, "busy", new Dictionary<string, string> { ["Retry-After"] = now.AddSeconds(20).ToString("R") })
            : LoopbackReply.Ok("ok"u8.ToArray()));
        using var http = new HttpClient();
        var clock = new RecordingTimeProvider(now);

        await Fetcher(http, clock).FetchAsync(server.BaseUri);

        clock.RequestedDelays.Should().Equal(TimeSpan.FromSeconds(20));
    }

    [Test]
    public async Task A_Retry_After_longer_than_allowed_fails_at_once_with_collateral_unavailable()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Text(429, "later", new Dictionary<string, string> { ["Retry-After"] = "3600" }));
        using var http = new HttpClient();

        var act = () => Fetcher(http, new RecordingTimeProvider(), maxRetryAfter: TimeSpan.FromSeconds(60)).FetchAsync(server.BaseUri);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("HTTP 429").And.Contain("3600");
        server.RequestCount.Should().Be(1);
    }

    [Test]
    public async Task Server_errors_are_retried_a_bounded_number_of_times_with_exponential_backoff()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Text(500, "boom"));
        using var http = new HttpClient();
        var clock = new RecordingTimeProvider();

        var act = () => Fetcher(http, clock, maxAttempts: 4).FetchAsync(server.BaseUri);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("after 4 attempts").And.Contain("HTTP 500");
        server.RequestCount.Should().Be(4);
        clock.RequestedDelays.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
    }

    [Test]
    public async Task A_404_is_not_retried()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Text(404, "no such chip"));
        using var http = new HttpClient();

        var act = () => Fetcher(http, new RecordingTimeProvider()).FetchAsync(server.BaseUri);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("HTTP 404").And.Contain("not retried");
        server.RequestCount.Should().Be(1);
    }

    [Test]
    public async Task Offline_mode_fails_without_sending_anything()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok("x"u8.ToArray()));
        using var http = new HttpClient();
        var fetcher = new CollateralFetcher(http, CollateralFetcherOptions.OfflineOnly);

        var act = () => fetcher.FetchAsync(server.BaseUri);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().StartWith("offline mode");
        server.RequestCount.Should().Be(0);
    }

    [Test]
    public async Task A_refused_connection_is_a_typed_collateral_error()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var http = new HttpClient();

        var act = () => Fetcher(http, new RecordingTimeProvider(), maxAttempts: 2).FetchAsync(new Uri($"http://127.0.0.1:{port}/"));

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("connection error");
    }

    [Test]
    public async Task A_response_larger_than_the_limit_is_refused()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackReply.Ok(new byte[2048]));
        using var http = new HttpClient();
        var fetcher = new CollateralFetcher(http, new CollateralFetcherOptions { MaxResponseBytes = 1024 });

        var act = () => fetcher.FetchAsync(server.BaseUri);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("limit of 1024 bytes");
    }
}
