using System.Collections.Concurrent;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class IntelPcsClientTests
{
    private static readonly DateTimeOffset Now = RealTdx.V4Pinned;

    private static LoopbackReply Reply(string path, ConcurrentDictionary<string, int>? failures = null)
    {
        if (failures is not null && failures.TryGetValue(path.Split('?')[0], out var left) && left > 0)
        {
            failures[path.Split('?')[0]] = left - 1;
            return LoopbackReply.Text(503, "busy");
        }

        var chain = Uri.EscapeDataString(File.ReadAllText(RealTdx.CollateralDir + "/tcb-info-issuer-chain.pem"));
        return path switch
        {
            "/tdx/certification/v4/tcb?fmspc=50806f000000" => new(200, RealTdx.Collateral("tcb-info.json"), new Dictionary<string, string> { ["TCB-Info-Issuer-Chain"] = chain }),
            "/tdx/certification/v4/qe/identity" => new(200, RealTdx.Collateral("qe-identity.json"), new Dictionary<string, string> { ["SGX-Enclave-Identity-Issuer-Chain"] = chain }),
            "/sgx/certification/v4/pckcrl?ca=platform&encoding=der" => LoopbackReply.Ok(RealTdx.Collateral("pck-crl.der")),
            "/IntelSGXRootCA.der" => LoopbackReply.Ok(RealTdx.Collateral("root-ca-crl.der")),
            _ => LoopbackReply.Text(404, "no such collateral"),
        };
    }

    private static IntelPcsClient Client(LoopbackHttpServer server, HttpClient http, ICollateralCache cache, bool offline = false) =>
        new(new CachedCollateralSource(
                cache,
                new CollateralFetcher(http, new CollateralFetcherOptions
                {
                    Offline = offline,
                    InitialBackoff = TimeSpan.FromMilliseconds(1),
                    MaxBackoff = TimeSpan.FromMilliseconds(2),
                    TimeProvider = new RecordingTimeProvider(Now),
                }),
                new RecordingTimeProvider(Now)),
            new IntelPcsOptions { BaseUri = server.BaseUri, RootCaCrlUri = new Uri(server.BaseUri, "IntelSGXRootCA.der") });

    [Test]
    public async Task Collateral_fetched_over_loopback_is_complete_and_verifies_the_real_quote_chain_with_CRLs()
    {
        await using var server = new LoopbackHttpServer(p => Reply(p));
        using var http = new HttpClient();
        var client = Client(server, http, new MemoryCollateralCache());

        var collateral = await client.GetCollateralAsync("50806F000000", PckCaType.Platform, CancellationToken.None);

        collateral.TcbInfo!.Fmspc.Should().Be("50806f000000");
        collateral.TcbInfoIssuerChain.Should().HaveCount(2);
        collateral.QeIdentityIssuerChain.Should().HaveCount(2);
        var result = new TdxQuoteVerifier(TdxQuoteChecks.At(RealTdx.V4Pinned, signaturesOnly: true)).VerifyAndValidate(RealTdx.V4, collateral, TdxValidationOptions.SignaturesOnly).Verification;
        result.PckChain.RevocationChecked.Should().BeTrue();
        server.RequestedPaths.Should().HaveCount(4);
    }

    [Test]
    public async Task A_second_request_is_served_from_the_cache_without_touching_the_network()
    {
        await using var server = new LoopbackHttpServer(p => Reply(p));
        using var http = new HttpClient();
        var client = Client(server, http, new MemoryCollateralCache());

        await client.GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);
        var again = await client.GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        again.TcbInfo!.SignedBytes.ToArray().Should().Equal(TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info.json")).SignedBytes.ToArray());
        server.RequestedPaths.Should().HaveCount(4);
    }

    [Test]
    public async Task Concurrent_requests_for_the_same_collateral_share_one_download_of_each_part()
    {
        using var gate = new ManualResetEventSlim();
        await using var server = new LoopbackHttpServer(p =>
        {
            gate.Wait(TimeSpan.FromSeconds(10));
            return Reply(p);
        });
        using var http = new HttpClient();
        var client = Client(server, http, new MemoryCollateralCache());

        // The memory cache answers synchronously, so all four callers join the in-flight downloads before the gate opens.
        var requests = Enumerable.Range(0, 4).Select(_ => client.GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None)).ToArray();
        gate.Set();
        var collaterals = await Task.WhenAll(requests);

        collaterals.Should().AllSatisfy(c => c.TcbInfo!.Fmspc.Should().Be("50806f000000"));
        server.RequestedPaths.Should().HaveCount(4).And.OnlyHaveUniqueItems();
    }

    [Test]
    public async Task A_transient_server_error_is_retried()
    {
        var failures = new ConcurrentDictionary<string, int> { ["/tdx/certification/v4/qe/identity"] = 2 };
        await using var server = new LoopbackHttpServer(p => Reply(p, failures));
        using var http = new HttpClient();

        var collateral = await Client(server, http, new MemoryCollateralCache()).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        collateral.QeIdentity.Should().NotBeNull();
        server.RequestedPaths.Count(r => r == "/tdx/certification/v4/qe/identity").Should().Be(3);
    }

    [Test]
    public async Task Offline_mode_with_an_empty_cache_fails_without_any_request()
    {
        await using var server = new LoopbackHttpServer(p => Reply(p));
        using var http = new HttpClient();

        var act = () => Client(server, http, new MemoryCollateralCache(), offline: true).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        await act.Should().ThrowAsync<CollateralUnavailableException>().WithMessage("offline mode:*not in the cache*");
        server.RequestCount.Should().Be(0);
    }

    [Test]
    public async Task Offline_mode_serves_collateral_a_previous_run_left_in_the_disk_cache()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tdx-pcs-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = new LoopbackHttpServer(p => Reply(p));
            using var http = new HttpClient();
            await Client(server, http, new FileCollateralCache(dir)).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

            var offline = await Client(server, http, new FileCollateralCache(dir), offline: true).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

            offline.QeIdentity!.Id.Should().Be("TD_QE");
            offline.TcbInfoIssuerChain![0].Subject.Should().Contain("Intel SGX TCB Signing");
            server.RequestedPaths.Should().HaveCount(4);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task A_response_without_its_issuer_chain_header_is_unavailable_collateral_and_not_cached()
    {
        await using var server = new LoopbackHttpServer(p => p.StartsWith("/tdx/certification/v4/tcb", StringComparison.Ordinal)
            ? LoopbackReply.Ok(RealTdx.Collateral("tcb-info.json"))
            : Reply(p));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();

        var act = () => Client(server, http, cache).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        await act.Should().ThrowAsync<CollateralUnavailableException>().WithMessage("*TCB-Info-Issuer-Chain*");
        (await cache.GetAsync("intel-pcs/tdx-tcb-50806f000000")).Should().BeNull();
    }

    [Test]
    public async Task Collateral_is_refetched_once_the_cached_copy_passed_its_next_update()
    {
        await using var server = new LoopbackHttpServer(p => Reply(p));
        using var http = new HttpClient();
        var cache = new MemoryCollateralCache();
        await Client(server, http, cache).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        var later = new IntelPcsClient(
            new CachedCollateralSource(cache, new CollateralFetcher(http), new RecordingTimeProvider(new DateTimeOffset(2023, 7, 10, 0, 0, 0, TimeSpan.Zero))),
            new IntelPcsOptions { BaseUri = server.BaseUri, RootCaCrlUri = new Uri(server.BaseUri, "IntelSGXRootCA.der") });
        await later.GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        // QE identity and PCK CRL expired on 2023-07-08; TCB info (07-18) and root CRL (2024) were still fresh.
        server.RequestedPaths.Should().HaveCount(6);
    }
}
