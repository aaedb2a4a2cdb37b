using Constellation.Attestation.Measurements.Signed;
using Constellation.Attestation.Variants;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Measurements.Signed;

#pragma warning disable CA1001 // SetUp creates and TearDown disposes the fields for each test.
public class SignedMeasurementsFetcherTests
#pragma warning restore CA1001
{
    private const string FilePath = "constellation/v2/ref/-/stream/stable/v2.23.0/image/measurements.json";
    private SignedMeasurementsFixture _fixture = null!;
    private LoopbackHttpServer _server = null!;
    private HttpClient _http = null!;
    private SignedMeasurementsFetcher _fetcher = null!;

    [SetUp]
    public void StartServer()
    {
        _fixture = new SignedMeasurementsFixture();
        _server = new LoopbackHttpServer();
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _fetcher = new SignedMeasurementsFetcher(_http, new SignedMeasurementsFetcherOptions { BaseUri = _server.BaseUri });
    }

    [TearDown]
    public async Task StopServer()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _fixture.Dispose();
    }

    private SignedMeasurementsRequest Request(string image = "v2.23.0") =>
        new(ImageVersion.Parse(image), CloudProvider.Qemu, AttestationVariant.QemuVtpm) { PublicKey = _fixture.PublicKey };

    private void Publish(string file, string? signature = null)
    {
        _server.Serve(FilePath, file);
        _server.Serve(FilePath + ".sig", signature ?? _fixture.Sign(file));
    }

    [Test]
    public async Task A_correctly_signed_file_yields_the_entry_for_the_csp_and_variant()
    {
        Publish(SignedMeasurementsFixture.File());

        var result = await _fetcher.FetchAsync(Request());

        result.SignatureVerified.Should().BeTrue();
        result.KeyFingerprint.Should().Be(_fixture.PublicKey.Fingerprint);
        result.Measurements.Keys.Should().Equal(4u, 9u);
        result.Measurements[4].ToHex().Should().Be(SignedMeasurementsFixture.Pcr4);
        result.Measurements[9].WarnOnly.Should().BeTrue();
        _server.RequestedPaths.Should().Equal("/" + FilePath, "/" + FilePath + ".sig");
    }

    [Test]
    public async Task A_flipped_byte_in_the_served_file_is_rejected()
    {
        var file = SignedMeasurementsFixture.File();
        var signature = _fixture.Sign(file);
        Publish(file.Replace(SignedMeasurementsFixture.Pcr4[..8], "45444444", StringComparison.Ordinal), signature);

        var act = () => _fetcher.FetchAsync(Request());

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    [Test]
    public async Task A_flipped_byte_in_the_served_signature_is_rejected()
    {
        var file = SignedMeasurementsFixture.File();
        var signature = Convert.FromBase64String(_fixture.Sign(file));
        signature[^5] ^= 0x80;
        Publish(file, Convert.ToBase64String(signature));

        var act = () => _fetcher.FetchAsync(Request());

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    [Test]
    public async Task A_file_signed_by_the_upstream_key_slot_but_not_the_pinned_key_is_rejected()
    {
        Publish(SignedMeasurementsFixture.File());
        var request = Request();
        request.PublicKey = null;

        var act = () => _fetcher.FetchAsync(request);

        await act.Should().ThrowAsync<AttestationSignatureException>().WithMessage($"*{MeasurementsPublicKey.Release.Fingerprint}*");
    }

    [Test]
    public async Task A_signed_file_for_an_older_version_is_a_refused_downgrade()
    {
        Publish(SignedMeasurementsFixture.File(version: "v2.22.1"));

        var act = () => _fetcher.FetchAsync(Request());

        var error = await act.Should().ThrowAsync<MeasurementsDowngradeException>();
        error.Which.Violations.Should().ContainSingle().Which.Should().Be(new PolicyViolation("version", "v2.23.0", "v2.22.1 (older: downgrade refused)"));
    }

    [Test]
    public async Task A_signed_file_for_a_newer_version_is_a_version_mismatch()
    {
        Publish(SignedMeasurementsFixture.File(version: "v2.24.0"));

        var act = () => _fetcher.FetchAsync(Request());

        var error = await act.Should().ThrowAsync<AttestationPolicyException>();
        error.Which.Should().NotBeOfType<MeasurementsDowngradeException>();
        error.Which.Violations.Should().Equal(new PolicyViolation("version", "v2.23.0", "v2.24.0"));
    }

    [Test]
    public async Task Ref_and_stream_mismatches_are_all_reported()
    {
        Publish(SignedMeasurementsFixture.File(@ref: "main", stream: "nightly"));

        var act = () => _fetcher.FetchAsync(Request());

        (await act.Should().ThrowAsync<AttestationPolicyException>()).Which.Violations.Should().Equal(
            new PolicyViolation("ref", "-", "main"), new PolicyViolation("stream", "stable", "nightly"));
    }

    [Test]
    public async Task A_file_without_an_entry_for_the_csp_is_rejected()
    {
        Publish(SignedMeasurementsFixture.File(csp: "GCP"));

        var act = () => _fetcher.FetchAsync(Request());

        (await act.Should().ThrowAsync<AttestationPolicyException>()).Which.Violations.Should().ContainSingle()
            .Which.Should().Be(new PolicyViolation("list", "an entry for csp QEMU and variant qemu-vtpm", "AWS/aws-sev-snp, GCP/qemu-vtpm"));
    }

    [Test]
    public async Task A_file_without_an_entry_for_the_variant_is_rejected()
    {
        Publish(SignedMeasurementsFixture.File(variant: "qemu-tdx"));

        var act = () => _fetcher.FetchAsync(Request());

        (await act.Should().ThrowAsync<AttestationPolicyException>()).WithMessage("*an entry for csp QEMU and variant qemu-vtpm*QEMU/qemu-tdx*");
    }

    [Test]
    public async Task A_server_that_is_down_is_a_collateral_error_naming_the_url()
    {
        var request = Request();
        request.MeasurementsUri = LoopbackHttpServer.UnusedLoopbackUri("measurements.json");

        var act = () => _fetcher.FetchAsync(request);

        await act.Should().ThrowAsync<CollateralUnavailableException>().WithMessage($"measurements file {request.MeasurementsUri}: cannot be fetched*");
    }

    [Test]
    public async Task A_missing_signature_is_a_collateral_error()
    {
        _server.Serve(FilePath, SignedMeasurementsFixture.File());

        var act = () => _fetcher.FetchAsync(Request());

        await act.Should().ThrowAsync<CollateralUnavailableException>().WithMessage("measurements signature *.sig: HTTP 404*");
    }

    [Test]
    public async Task Skipping_the_signature_check_still_checks_the_fields()
    {
        _server.Serve(FilePath, SignedMeasurementsFixture.File(version: "v2.22.0"));
        var request = Request();
        request.SkipSignatureCheck = true;

        var act = () => _fetcher.FetchAsync(request);

        await act.Should().ThrowAsync<MeasurementsDowngradeException>();
        _server.RequestedPaths.Should().Equal("/" + FilePath);
    }

    [Test]
    public async Task Explicit_urls_are_used_with_sig_appended_by_default()
    {
        var file = SignedMeasurementsFixture.File();
        var url = _server.Serve("custom/m.json", file);
        _server.Serve("custom/m.json.sig", _fixture.Sign(file));
        var request = Request();
        request.MeasurementsUri = url;

        var result = await _fetcher.FetchAsync(request);

        result.MeasurementsUri.Should().Be(url);
        _server.RequestedPaths.Should().Equal("/custom/m.json", "/custom/m.json.sig");
    }

    [Test]
    public void Fetched_measurements_overlay_the_configured_ones()
    {
        var current = AttestationVariantRegistry.Default.Get(AttestationVariant.QemuVtpm).DefaultMeasurements;
        var fetched = new MeasurementSet([new(4, Measurement.FromHex(SignedMeasurementsFixture.Pcr4)), new(10, Measurement.FromHex(SignedMeasurementsFixture.Pcr9))]);

        var merged = MeasurementsMerge.Overlay(current, fetched);

        merged[4].ToHex().Should().Be(SignedMeasurementsFixture.Pcr4);
        merged[10].ToHex().Should().Be(SignedMeasurementsFixture.Pcr9);
        merged[15].Should().Be(current[15]);
        merged.Count.Should().Be(current.Count + 1);
    }
}
