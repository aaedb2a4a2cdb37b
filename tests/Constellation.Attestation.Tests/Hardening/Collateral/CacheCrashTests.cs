using System.Diagnostics.Metrics;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Diagnostics;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Tdx;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening.Collateral;

/// <summary>
/// The disk cache writes to a temporary file and renames it over the entry, so a crash mid-write leaves the old entry
/// readable. A crash is simulated by leaving what it would leave: a torn temporary file.
/// </summary>
public sealed class CacheCrashTests
{
    private const string Key = "https://kdsintf.amd.com/vcek/v1/Milan/cert_chain";
    private static readonly DateTimeOffset StoredAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private string _dir = null!;

    [SetUp]
    public void CreateCache() => _dir = Directory.CreateTempSubdirectory("cache-crash-").FullName;

    [TearDown]
    public void DeleteCache() => Directory.Delete(_dir, recursive: true);

    private static CollateralEntry Entry(string text) => new(System.Text.Encoding.UTF8.GetBytes(text), StoredAt, null);

    [Test]
    public async Task A_torn_temporary_file_left_by_a_crash_mid_write_is_ignored_and_the_old_entry_is_read()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync(Key, Entry("old chain"));
        var finalPath = cache.PathFor(Key);
        var complete = Path.Combine(Directory.CreateTempSubdirectory("cache-crash-new-").FullName);
        await new FileCollateralCache(complete).SetAsync(Key, Entry("new chain that never made it"));
        var newBytes = await File.ReadAllBytesAsync(new FileCollateralCache(complete).PathFor(Key));
        Directory.Delete(complete, recursive: true);

        // What a crash between write and rename leaves: half of the new entry in a temporary file beside the old one.
        await File.WriteAllBytesAsync(Path.Combine(_dir, $".{Path.GetFileName(finalPath)}.{Guid.NewGuid():N}.tmp"), newBytes[..(newBytes.Length / 2)]);

        var read = await new FileCollateralCache(_dir).GetAsync(Key);

        read.Should().NotBeNull();
        System.Text.Encoding.UTF8.GetString(read!.Content.Span).Should().Be("old chain");
        await new FileCollateralCache(_dir).SetAsync(Key, Entry("next chain"));
        System.Text.Encoding.UTF8.GetString((await new FileCollateralCache(_dir).GetAsync(Key))!.Content.Span).Should().Be("next chain");
    }

    [Test]
    public async Task A_write_cancelled_before_it_completes_leaves_the_old_entry_and_no_temporary_file()
    {
        var cache = new FileCollateralCache(_dir);
        await cache.SetAsync(Key, Entry("old chain"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = async () => await cache.SetAsync(Key, Entry("new chain"), cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        System.Text.Encoding.UTF8.GetString((await cache.GetAsync(Key))!.Content.Span).Should().Be("old chain");
        Directory.GetFiles(_dir).Should().ContainSingle().Which.Should().Be(cache.PathFor(Key));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_reader_racing_a_writer_only_ever_sees_a_complete_old_or_new_entry(CancellationToken cancellationToken)
    {
        var cache = new FileCollateralCache(_dir);
        var versions = Enumerable.Range(0, 2).Select(i => new string((char)('a' + i), 64 * 1024)).ToArray();
        await cache.SetAsync(Key, Entry(versions[0]), cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var entry = await cache.GetAsync(Key, cancellationToken);
                entry.Should().NotBeNull("an entry is always present: the rename replaces it atomically");
                lock (seen)
                {
                    seen.Add(System.Text.Encoding.UTF8.GetString(entry!.Content.Span));
                }
            }
        }, cancellationToken);
        for (var i = 0; i < 200; i++)
        {
            await cache.SetAsync(Key, Entry(versions[i % 2]), cancellationToken);
        }

        await stop.CancelAsync();
        await reader;

        seen.Should().BeSubsetOf(versions);
    }
}

/// <summary>The KDS and PCS clients record each cache lookup in <see cref="AttestationMetrics"/>.</summary>
public sealed class CollateralCacheMetricsTests
{
    [Test]
    public async Task KDS_and_PCS_cache_lookups_are_recorded_as_misses_then_hits()
    {
        using var metrics = new AttestationMetrics();
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
            var source = tags.ToArray().Single(t => t.Key == "source").Value;
            var result = tags.ToArray().Single(t => t.Key == "result").Value;
            lock (lookups)
            {
                lookups.Add($"{source}:{result}");
            }
        });
        listener.Start();
        await using var server = new FaultInjectingHttpServer((path, _) => path switch
        {
            "/vcek/v1/Milan/cert_chain" => HttpFault.Ok(TestData.EvidenceBytes("snp/milan-ask-ark.pem")),
            "/tdx/certification/v4/tcb?fmspc=50806f000000" => HttpFault.Ok(RealTdx.Collateral("tcb-info.json"), Chain("TCB-Info-Issuer-Chain")),
            "/tdx/certification/v4/qe/identity" => HttpFault.Ok(RealTdx.Collateral("qe-identity.json"), Chain("SGX-Enclave-Identity-Issuer-Chain")),
            "/sgx/certification/v4/pckcrl?ca=platform&encoding=der" => HttpFault.Ok(RealTdx.Collateral("pck-crl.der")),
            "/IntelSGXRootCA.der" => HttpFault.Ok(RealTdx.Collateral("root-ca-crl.der")),
            _ => HttpFault.Error(404),
        });
        using var http = new HttpClient();
        var clock = new RecordingTimeProvider(RealTdx.V4Pinned);
        var kds = new AmdKdsClient(
            new CachedCollateralSource(new MemoryCollateralCache(), new CollateralFetcher(http), clock) { Metrics = metrics, MetricsSource = "kds" },
            new AmdKdsOptions { BaseUri = server.BaseUri });
        var pcs = new IntelPcsClient(
            new CachedCollateralSource(new MemoryCollateralCache(), new CollateralFetcher(http), clock) { Metrics = metrics, MetricsSource = "pcs" },
            new IntelPcsOptions { BaseUri = server.BaseUri, RootCaCrlUri = new Uri(server.BaseUri, "IntelSGXRootCA.der") });

        for (var i = 0; i < 2; i++)
        {
            await kds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
            await pcs.GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);
        }

        lookups.Where(l => l.StartsWith("kds", StringComparison.Ordinal)).Should().Equal("kds:miss", "kds:hit");
        lookups.Where(l => l.StartsWith("pcs", StringComparison.Ordinal)).Should().BeEquivalentTo(
            Enumerable.Repeat("pcs:miss", 4).Concat(Enumerable.Repeat("pcs:hit", 4)));
    }

    private static Dictionary<string, string> Chain(string header) =>
        new() { [header] = Uri.EscapeDataString(File.ReadAllText(RealTdx.CollateralDir + "/tcb-info-issuer-chain.pem")) };
}
