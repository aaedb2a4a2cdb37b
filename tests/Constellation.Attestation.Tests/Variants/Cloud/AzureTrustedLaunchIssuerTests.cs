using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Common.Metadata;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// azure-trustedlaunch issued by the registry's issuer on a swtpm provisioned like Azure's (AK persisted at 0x81000003, its
/// certificate in NV 0x01C101D0 naming a loopback AIA URL for the CA), validated against the test PKI's root.
/// </summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in TearDown.")]
public sealed class AzureTrustedLaunchIssuerTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("trusted launch nonce");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("node key");

    private SwtpmProcess _swtpm = null!;
    private CloudFirmware _firmware = null!;
    private AkTestPki _pki = null!;
    private HttpStub _aia = null!;
    private HttpClient _http = null!;
    private TpmPublic _ak = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _firmware = new CloudFirmware(_swtpm);
        _pki = new AkTestPki();
        _http = new HttpClient(CloudMetadataHttp.CreateHandler());
        _aia = new HttpStub(r => r.Path == "/pkiinfra/certs/ca.crt" ? new StubReply(200, _pki.Ca, "application/pkix-cert") : StubReply.Text(404, "not found"));
        await _firmware.PersistRsaAkAsync(TpmHandles.AzureAttestationKey);
        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        _ak = (await tpm.ReadPublicAsync(TpmHandles.AzureAttestationKey)).Public;
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _aia.DisposeAsync();
        _http.Dispose();
        _pki.Dispose();
        _firmware.Dispose();
        await _swtpm.DisposeAsync();
    }

    private Uri CaUrl => new(_aia.BaseUri, "pkiinfra/certs/ca.crt");

    [Test]
    public async Task The_registry_issuer_sends_the_NV_certificate_and_its_AIA_CA_and_the_document_validates()
    {
        using var rsa = _ak.CreateRsa();
        var certificate = _pki.Certify(rsa, CaUrl);
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, certificate);

        var document = await IssueAsync();
        var result = await Validator(document).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.AzureTrustedLaunch);
        result.UserData.ToArray().Should().Equal(UserData);
        var parsed = VtpmDocument.Parse(document);
        parsed.Attestation.AkPublic.ToArray().Should().Equal(_ak.RawBytes.ToArray());
        var info = AzureTrustedLaunchInstanceInfo.Parse(parsed.InstanceInfo.Span);
        info.AkCertificate.ToArray().Should().Equal(certificate);
        info.CaCertificate.ToArray().Should().Equal(_pki.Ca);
        _aia.Requests.Select(r => r.Path).Should().Equal("/pkiinfra/certs/ca.crt");
    }

    [Test]
    public async Task A_certificate_in_NV_for_another_key_is_refused_before_the_CA_is_fetched()
    {
        using var stranger = RSA.Create(2048);
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, _pki.Certify(stranger, CaUrl));

        var act = IssueAsync;

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Message.Should().Contain("0x01c101d0");
        _aia.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task An_AIA_URL_that_fails_is_skipped_for_the_next_and_all_failing_is_named()
    {
        using var rsa = _ak.CreateRsa();
        var missing = new Uri(_aia.BaseUri, "pkiinfra/certs/missing.crt");
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, _pki.Certify(rsa, missing, CaUrl));

        var document = await IssueAsync();

        AzureTrustedLaunchInstanceInfo.Parse(VtpmDocument.Parse(document).InstanceInfo.Span).CaCertificate.ToArray().Should().Equal(_pki.Ca);
        _aia.Requests.Select(r => r.Path).Should().Equal("/pkiinfra/certs/missing.crt", "/pkiinfra/certs/ca.crt");
    }

    [Test]
    public async Task No_AIA_URL_answering_a_certificate_stops_the_issue_listing_each_failure()
    {
        using var rsa = _ak.CreateRsa();
        await using var redirecting = new HttpStub(_ => StubReply.Text(302, string.Empty, new Dictionary<string, string> { ["Location"] = CaUrl.ToString() }));
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, _pki.Certify(rsa, new Uri(_aia.BaseUri, "nothing.crt"), new Uri(redirecting.BaseUri, "moved.crt")));

        var act = IssueAsync;

        var error = (await act.Should().ThrowAsync<CloudMetadataException>()).Which;
        error.Message.Should().Contain("nothing.crt").And.Contain("HTTP 404").And.Contain("moved.crt").And.Contain("not followed");
        _aia.Requests.Select(r => r.Path).Should().Equal(["/nothing.crt"], "the redirect to the CA is not followed");
    }

    [Test]
    public async Task A_TPM_without_Azure_s_AK_cannot_issue_and_says_where_it_looked()
    {
        await using var bare = await SwtpmProcess.StartAsync();
        var services = new VariantIssuerServices { OpenTpm = SwtpmVtpm.Open(bare), VtpmIssuerOptions = SwtpmVtpm.NoEventLog, AzureAkCa = new AzureAkCaClient(_http) };
        using var issuer = (IDisposable)AzureTrustedLaunchVariant.Instance.CreateIssuer(services);

        var act = async () => await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*0x81000003*");
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_an_azure_trustedlaunch_client()
    {
        using var rsa = _ak.CreateRsa();
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, _pki.Certify(rsa, CaUrl));
        using var issuer = (IDisposable)AzureTrustedLaunchVariant.Instance.CreateIssuer(Services());
        var probe = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync((IAttestationIssuer)issuer, Validator(probe));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.AzureTrustedLaunch.Oid);
    }

    [Test]
    public async Task The_registry_validator_pins_the_built_in_ameroot_when_no_roots_are_configured()
    {
        using var rsa = _ak.CreateRsa();
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, _pki.Certify(rsa, CaUrl));
        var document = await IssueAsync();
        var definition = AzureTrustedLaunchVariant.Instance;
        var config = definition.CreateDefaultConfig().WithMeasurements(SwtpmVtpm.MeasurementsOf(document));
        var time = new Constellation.Attestation.Tests.Collateral.RecordingTimeProvider(AkTestPki.At);

        var builtIn = async () => await definition.CreateValidator(config, new VariantServices { TimeProvider = time }).ValidateAsync(document, Nonce);
        var pinned = await definition.CreateValidator(config, new VariantServices { TimeProvider = time, AzureTrustedLaunchRoots = [_pki.Root] }).ValidateAsync(document, Nonce);

        definition.GetValidatorCapability(VariantServices.None).IsAvailable.Should().BeTrue();
        await builtIn.Should().ThrowAsync<CertificateChainException>().WithMessage("*is not a pinned root*");
        pinned.UserData.ToArray().Should().Equal(UserData);
    }

    [Test]
    public async Task A_chain_to_a_root_that_has_expired_is_refused_though_the_CA_and_AK_certificates_are_valid()
    {
        using var expired = new AkTestPki(rootNotAfter: AkTestPki.At.AddDays(-1));
        await using var aia = new HttpStub(_ => new StubReply(200, expired.Ca, "application/pkix-cert"));
        using var rsa = _ak.CreateRsa();
        await _firmware.WriteNvAsync(TpmHandles.AzureAkCertificate, expired.Certify(rsa, new Uri(aia.BaseUri, "ca.crt")));
        var document = await IssueAsync();
        var time = new Constellation.Attestation.Tests.Collateral.RecordingTimeProvider(AkTestPki.At);

        var act = async () => await AzureTrustedLaunchVariant.CreateValidator([expired.Root], SwtpmVtpm.MeasurementsOf(document), time).ValidateAsync(document, Nonce);

        // As every chain to ameroot after 2026-05-24 22:57:03 UTC.
        await act.Should().ThrowAsync<AttestationFreshnessException>();
    }

    private async Task<byte[]> IssueAsync()
    {
        using var issuer = (IDisposable)AzureTrustedLaunchVariant.Instance.CreateIssuer(Services());
        return await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
    }

    private VariantIssuerServices Services() => new()
    {
        OpenTpm = SwtpmVtpm.Open(_swtpm),
        VtpmIssuerOptions = SwtpmVtpm.NoEventLog,
        AzureAkCa = new AzureAkCaClient(_http, new CloudMetadataRetryOptions { MaxAttempts = 1 }),
    };

    private IAttestationValidator Validator(byte[] document) =>
        AzureTrustedLaunchVariant.CreateValidator([_pki.Root], SwtpmVtpm.MeasurementsOf(document), new Constellation.Attestation.Tests.Collateral.RecordingTimeProvider(AkTestPki.At));
}
