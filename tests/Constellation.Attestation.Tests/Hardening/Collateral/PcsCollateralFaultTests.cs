using Constellation.Attestation.Collateral;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Tdx;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening.Collateral;

/// <summary>
/// The Intel PCS client against a misbehaving server on loopback: with a warm disk cache verification goes on, with a
/// cold or expired one it fails with <see cref="CollateralUnavailableException"/> naming the URL and the cause, and
/// nothing corrupt ever reaches the disk cache.
/// </summary>
public sealed class PcsCollateralFaultTests
{
    private const string TcbPath = "/tdx/certification/v4/tcb?fmspc=50806f000000";
    private const string QePath = "/tdx/certification/v4/qe/identity";
    private const string PckCrlPath = "/sgx/certification/v4/pckcrl?ca=platform&encoding=der";
    private const string RootCrlPath = "/IntelSGXRootCA.der";
    private const string TcbKey = "intel-pcs/tdx-tcb-50806f000000";

    private static readonly DateTimeOffset AfterQeIdentityExpired = new(2023, 7, 10, 0, 0, 0, TimeSpan.Zero);

    private string _dir = null!;
    // One client for the fixture (as an application would share one); each test gets its own server and cache.
    private static readonly HttpClient Http = new();

    [SetUp]
    public void CreateCache()
    {
        _dir = Directory.CreateTempSubdirectory("pcs-faults-").FullName;
    }

    [TearDown]
    public void DeleteCache()
    {
        Directory.Delete(_dir, recursive: true);
    }

    private static Dictionary<string, string> ChainHeader(string name) =>
        new() { [name] = Uri.EscapeDataString(File.ReadAllText(RealTdx.CollateralDir + "/tcb-info-issuer-chain.pem")) };

    private static HttpFault Good(string path) => path switch
    {
        TcbPath => HttpFault.Ok(RealTdx.Collateral("tcb-info.json"), ChainHeader("TCB-Info-Issuer-Chain")),
        QePath => HttpFault.Ok(RealTdx.Collateral("qe-identity.json"), ChainHeader("SGX-Enclave-Identity-Issuer-Chain")),
        PckCrlPath => HttpFault.Ok(RealTdx.Collateral("pck-crl.der")),
        RootCrlPath => HttpFault.Ok(RealTdx.Collateral("root-ca-crl.der")),
        _ => HttpFault.Error(404, "no such collateral"),
    };

    private static byte[] BodyOf(string path) => Good(path) is HttpFault.Reply reply ? reply.Body : [];

    private IntelPcsClient Client(Uri baseUri, DateTimeOffset now) =>
        new(new CachedCollateralSource(new FileCollateralCache(_dir), new CollateralFetcher(Http, CollateralFaults.FetcherOptions(now)), new RecordingTimeProvider(now)),
            new IntelPcsOptions { BaseUri = baseUri, RootCaCrlUri = new Uri(baseUri, "IntelSGXRootCA.der") });

    private async Task WarmAsync()
    {
        await using var good = new FaultInjectingHttpServer((path, _) => Good(path));
        await Client(good.BaseUri, RealTdx.V4Pinned).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);
    }

    private static IEnumerable<TestCaseData> TransportFaults() => CollateralFaults.Transport();

    [TestCaseSource(nameof(TransportFaults))]
    public async Task With_a_cold_cache_a_fault_on_the_TCB_info_fails_with_collateral_unavailable_naming_the_URL_and_cause(CollateralFault fault)
    {
        await using var server = new FaultInjectingHttpServer((path, _) => path == TcbPath ? fault.Make(BodyOf(path)) : Good(path));

        var act = () => Client(server.BaseUri, RealTdx.V4Pinned).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain(server.BaseUri.Authority + TcbPath).And.Contain(fault.Cause);
        (await new FileCollateralCache(_dir).GetAsync(TcbKey)).Should().BeNull("the failed download must not be cached");
        CollateralFaults.Files(_dir).Should().OnlyContain(f => f.EndsWith(".entry", StringComparison.Ordinal), "no temporary file may be left behind");
    }

    [TestCaseSource(nameof(TransportFaults))]
    public async Task With_a_warm_cache_a_fault_does_not_matter_and_the_quote_still_verifies(CollateralFault fault)
    {
        await WarmAsync();
        await using var faulty = new FaultInjectingHttpServer((path, _) => fault.Make(BodyOf(path)));

        var collateral = await Client(faulty.BaseUri, RealTdx.V4Pinned).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        faulty.RequestCount.Should().Be(0);
        new TdxQuoteVerifier(TdxQuoteChecks.At(RealTdx.V4Pinned, signaturesOnly: true)).VerifyAndValidate(RealTdx.V4, collateral, TdxValidationOptions.SignaturesOnly).Verification.PckChain.RevocationChecked.Should().BeTrue();
    }

    [Test]
    public async Task With_a_warm_cache_and_the_server_down_the_quote_still_verifies()
    {
        await WarmAsync();

        var collateral = await Client(LoopbackHttpServer.UnusedLoopbackUri("/"), RealTdx.V4Pinned).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        new TdxQuoteVerifier(TdxQuoteChecks.At(RealTdx.V4Pinned, signaturesOnly: true)).VerifyAndValidate(RealTdx.V4, collateral, TdxValidationOptions.SignaturesOnly).Verification.PckChain.RevocationChecked.Should().BeTrue();
    }

    [TestCaseSource(nameof(TransportFaults))]
    public async Task Expired_cached_collateral_is_refetched_and_on_a_fault_the_old_entries_stay_intact(CollateralFault fault)
    {
        await WarmAsync();
        var before = CollateralFaults.Snapshot(_dir);
        await using var faulty = new FaultInjectingHttpServer((path, _) => fault.Make(BodyOf(path)));

        // On 2023-07-10 the QE identity and the PCK CRL have passed their nextUpdate; TCB info and root CRL have not.
        var act = () => Client(faulty.BaseUri, AfterQeIdentityExpired).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain(fault.Cause);
        faulty.RequestedPaths.Distinct().Should().BeEquivalentTo([QePath, PckCrlPath], "only the expired parts are fetched");
        CollateralFaults.Snapshot(_dir).Should().BeEquivalentTo(before, "the old entries must be left exactly as they were");
    }

    private static IEnumerable<TestCaseData> WrongContent()
    {
        yield return new TestCaseData(TcbPath, HttpFault.Ok(CollateralFaults.Html, ChainHeader("TCB-Info-Issuer-Chain")), TcbKey, "unusable collateral")
            .SetArgDisplayNames("TCB info", "an HTML maintenance page");
        yield return new TestCaseData(TcbPath, HttpFault.Ok(CollateralFaults.Garbage(), ChainHeader("TCB-Info-Issuer-Chain")), TcbKey, "unusable collateral")
            .SetArgDisplayNames("TCB info", "random bytes");
        yield return new TestCaseData(TcbPath, HttpFault.Ok(RealTdx.Collateral("tcb-info-v5-sample.json"), ChainHeader("TCB-Info-Issuer-Chain")), TcbKey, "FMSPC 90c06f000000, not 50806f000000")
            .SetArgDisplayNames("TCB info", "a valid TCB info for another FMSPC");
        yield return new TestCaseData(TcbPath, HttpFault.Ok(RealTdx.Collateral("tcb-info.json"), new Dictionary<string, string> { ["TCB-Info-Issuer-Chain"] = "%3Chtml%3E" }), TcbKey, "TCB-Info-Issuer-Chain")
            .SetArgDisplayNames("TCB info", "a garbled issuer-chain header");
        yield return new TestCaseData(QePath, HttpFault.Ok(RealTdx.Collateral("tcb-info.json"), ChainHeader("SGX-Enclave-Identity-Issuer-Chain")), "intel-pcs/tdx-qe-identity", "unusable collateral")
            .SetArgDisplayNames("QE identity", "a valid TCB info instead");
        yield return new TestCaseData(PckCrlPath, HttpFault.Ok(RealTdx.Collateral("root-ca-crl.der")), "intel-pcs/pck-crl-platform", "not by Intel SGX PCK Platform CA")
            .SetArgDisplayNames("PCK CRL", "a valid CRL of another CA");
        yield return new TestCaseData(RootCrlPath, HttpFault.Ok(CollateralFaults.Html), "intel-pcs/root-ca-crl", "unusable collateral")
            .SetArgDisplayNames("root CA CRL", "an HTML maintenance page");
    }

    [TestCaseSource(nameof(WrongContent))]
    public async Task A_download_with_the_wrong_content_is_rejected_and_never_cached(string path, object wrong, string key, string cause)
    {
        await using var server = new FaultInjectingHttpServer((p, _) => p == path ? (HttpFault)wrong : Good(p));

        var act = () => Client(server.BaseUri, RealTdx.V4Pinned).GetCollateralAsync("50806f000000", PckCaType.Platform, CancellationToken.None);

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain(path).And.Contain(cause);
        (await new FileCollateralCache(_dir).GetAsync(key)).Should().BeNull();
    }
}
