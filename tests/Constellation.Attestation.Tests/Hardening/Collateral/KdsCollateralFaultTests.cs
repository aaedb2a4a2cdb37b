using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Snp;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening.Collateral;

/// <summary>
/// The AMD KDS client against a misbehaving server on loopback: with a warm disk cache validation goes on, with a cold
/// or expired one it fails with <see cref="CollateralUnavailableException"/> naming the URL and the cause, and nothing
/// corrupt ever reaches the disk cache.
/// </summary>
public sealed class KdsCollateralFaultTests
{
    private const string VcekPath = "/vcek/v1/Milan/9e44aaef02cfca6fddbaca669c6cfd29e1ab8d97ebc9398571" + "28acbb13b8740df31436d34e86e5f8ae0cdfeb3a0e185db46decac176cc77d761c22a1b9dcf25b?blSPL=2&teeSPL=0&snpSPL=6&ucodeSPL=93";
    private const string ChainPath = "/vcek/v1/Milan/cert_chain";

    private string _dir = null!;
    // One client for the fixture (as an application would share one); each test gets its own server and cache.
    private static readonly HttpClient Http = new();

    [SetUp]
    public void CreateCache()
    {
        _dir = Directory.CreateTempSubdirectory("kds-faults-").FullName;
    }

    [TearDown]
    public void DeleteCache()
    {
        Directory.Delete(_dir, recursive: true);
    }

    private static SnpReport Report => SnpReport.Parse(SnpVectors.AzureReportBytes);

    private static HttpFault Good(string path) => path switch
    {
        VcekPath => HttpFault.Ok(SnpVectors.AzureVcek.RawData),
        ChainPath => HttpFault.Ok(File.ReadAllBytes(TestData.Evidence("snp/milan-ask-ark.pem"))),
        _ => HttpFault.Error(404, "not found"),
    };

    private static byte[] BodyOf(string path) => Good(path) is HttpFault.Reply reply ? reply.Body : [];

    private AmdKdsClient Client(Uri baseUri, DateTimeOffset now) =>
        new(new CachedCollateralSource(new FileCollateralCache(_dir), new CollateralFetcher(Http, CollateralFaults.FetcherOptions(now)), new RecordingTimeProvider(now)),
            new AmdKdsOptions { BaseUri = baseUri });

    private static IEnumerable<TestCaseData> TransportFaults() => CollateralFaults.Transport();

    [TestCaseSource(nameof(TransportFaults))]
    public async Task With_a_cold_cache_a_fault_fails_with_collateral_unavailable_naming_the_URL_and_cause_and_caches_nothing(CollateralFault fault)
    {
        await using var server = new FaultInjectingHttpServer((path, _) => fault.Make(SnpVectors.AzureVcek.RawData));

        var act = () => Client(server.BaseUri, SnpVectors.AzureValidAt).GetVcekAsync(Report, SnpProductLine.Milan);

        var error = (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which;
        error.Message.Should().Contain(server.BaseUri.Authority + "/vcek/v1/Milan/").And.Contain(fault.Cause);
        CollateralFaults.Files(_dir).Should().BeEmpty("nothing may be cached after a failed download");
    }

    [TestCaseSource(nameof(TransportFaults))]
    public async Task With_a_warm_cache_a_fault_does_not_matter_and_the_report_still_verifies(CollateralFault fault)
    {
        // Cache keys are the KDS URLs, so the faulty phase must be served from the same address as the good one.
        var faulty = false;
        await using var server = new FaultInjectingHttpServer((path, _) => faulty ? fault.Make(BodyOf(path)) : Good(path));
        await Client(server.BaseUri, SnpVectors.AzureValidAt).GetVcekAsync(Report, SnpProductLine.Milan);
        await Client(server.BaseUri, SnpVectors.AzureValidAt).GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
        faulty = true;
        var before = server.RequestCount;
        var kds = Client(server.BaseUri, SnpVectors.AzureValidAt);

        var vcek = await kds.GetVcekAsync(Report, SnpProductLine.Milan);
        var ask = await kds.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

        server.RequestCount.Should().Be(before, "a usable cached entry is served without touching the network");
        SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(Report, new SnpEvidenceCertificates(vcek, ask)).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task With_a_warm_cache_and_the_server_down_the_report_still_verifies()
    {
        Uri address;
        await using (var good = new FaultInjectingHttpServer((path, _) => Good(path)))
        {
            address = good.BaseUri;
            await Client(address, SnpVectors.AzureValidAt).GetVcekAsync(Report, SnpProductLine.Milan);
            await Client(address, SnpVectors.AzureValidAt).GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
        }

        var down = Client(address, SnpVectors.AzureValidAt);
        var vcek = await down.GetVcekAsync(Report, SnpProductLine.Milan);
        var ask = await down.GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

        SnpVectors.VerifierAt(SnpVectors.AzureValidAt).Verify(Report, new SnpEvidenceCertificates(vcek, ask)).IsValid.Should().BeTrue();
    }

    [TestCaseSource(nameof(TransportFaults))]
    public async Task An_expired_cached_chain_is_refetched_and_on_a_fault_the_old_entry_stays_intact(CollateralFault fault)
    {
        var faulty = false;
        await using var server = new FaultInjectingHttpServer((path, _) => faulty ? fault.Make(BodyOf(path)) : Good(path));
        await Client(server.BaseUri, SnpVectors.AzureValidAt).GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);
        var before = CollateralFaults.Snapshot(_dir);
        before.Should().HaveCount(1);
        faulty = true;
        var requests = server.RequestCount;
        var afterAskExpiry = new DateTimeOffset(2046, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var act = () => Client(server.BaseUri, afterAskExpiry).GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain(ChainPath).And.Contain(fault.Cause);
        server.RequestCount.Should().BeGreaterThan(requests, "an expired entry is not served");
        CollateralFaults.Snapshot(_dir).Should().BeEquivalentTo(before, "the old entry must be left exactly as it was");
    }

    private static IEnumerable<TestCaseData> WrongContent()
    {
        yield return new TestCaseData("HTML", CollateralFaults.Html, "did not return a DER certificate").SetArgDisplayNames("an HTML maintenance page");
        yield return new TestCaseData("garbage", CollateralFaults.Garbage(), "did not return a DER certificate").SetArgDisplayNames("random bytes");
        yield return new TestCaseData("Turin VCEK", TestData.EvidenceBytes("snp/virtee-vcek_turin.der"), "not the VCEK of chip").SetArgDisplayNames("a valid VCEK of another chip");
        yield return new TestCaseData("VLEK", SnpVectors.AwsVlek.RawData, "not the VCEK of chip").SetArgDisplayNames("a valid VLEK");
        yield return new TestCaseData("ASK", SnpVectors.MilanAsk.RawData, "did not return a VCEK").SetArgDisplayNames("a valid ASK");
    }

    [TestCaseSource(nameof(WrongContent))]
    public async Task A_VCEK_download_with_the_wrong_content_is_rejected_and_never_cached(string name, byte[] body, string cause)
    {
        await using var server = new FaultInjectingHttpServer((_, _) => HttpFault.Ok(body));

        var act = () => Client(server.BaseUri, SnpVectors.AzureValidAt).GetVcekAsync(Report, SnpProductLine.Milan);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("/vcek/v1/Milan/").And.Contain(cause);
        CollateralFaults.Files(_dir).Should().BeEmpty($"{name} must not be cached");
    }

    [Test]
    public async Task A_certificate_chain_for_another_product_is_rejected_and_never_cached()
    {
        await using var server = new FaultInjectingHttpServer((_, _) => HttpFault.Ok(File.ReadAllBytes(TestData.Evidence("snp/gosevguest-ask_ark_genoa.pem"))));

        var act = () => Client(server.BaseUri, SnpVectors.AzureValidAt).GetIntermediateAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain(ChainPath).And.Contain("SEV-Genoa").And.Contain("not SEV-Milan");
        CollateralFaults.Files(_dir).Should().BeEmpty();
    }

    [Test]
    public async Task A_CRL_not_issued_by_the_products_ARK_is_rejected_and_never_cached()
    {
        await using var server = new FaultInjectingHttpServer((_, _) => HttpFault.Ok(TestData.EvidenceBytes("tdx/collateral/root-ca-crl.der")));

        SnpTrustedRoots.Default.TryGetArk(SnpProductLine.Milan, out var ark).Should().BeTrue();

        var act = () => Client(server.BaseUri, SnpVectors.AzureValidAt).GetRevocationListAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek, ark);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("/vcek/v1/Milan/crl").And.Contain("not issued by ARK-Milan");
        CollateralFaults.Files(_dir).Should().BeEmpty();
    }
}
