using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Metadata;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Attestation.Variants.GcpSevSnp;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// gcp-sev-snp issued by the registry's issuer: a swtpm with GCE's AK template, a synthetic SEV-SNP guest whose host table
/// carries VCEK and ASK, the metadata server on loopback; validated by the gcp-sev-snp validator trusting the test PKI only.
/// </summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in TearDown.")]
public sealed class GcpSevSnpIssuerTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("gcp snp nonce");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("node key");

    private SwtpmProcess _swtpm = null!;
    private CloudFirmware _firmware = null!;
    private SyntheticSnpGuest _guest = null!;
    private HttpStub _metadata = null!;
    private HttpClient _http = null!;
    private TpmPublic _ak = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _firmware = new CloudFirmware(_swtpm);
        _guest = new SyntheticSnpGuest(SnpEndorsementKind.Vcek, tableHasIntermediate: true);
        _metadata = GceMetadataClientTests.Server();
        _http = new HttpClient(CloudMetadataHttp.CreateHandler());
        var template = TpmPublic.RsaAttestationKeyTemplate();
        await _firmware.WriteNvAsync(TpmHandles.GceAkTemplateRsa, template.RawBytes.ToArray());
        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        var key = await tpm.CreatePrimaryAsync(TpmHandles.Endorsement, template);
        await tpm.FlushContextAsync(key.Handle);
        _ak = key.Public;
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _metadata.DisposeAsync();
        _http.Dispose();
        await _guest.DisposeAsync();
        _firmware.Dispose();
        await _swtpm.DisposeAsync();
    }

    [Test]
    public async Task The_report_binds_the_extra_data_carries_VCEK_ASK_and_the_instance_and_validates()
    {
        var document = await IssueAsync();

        var result = await Validator(document).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.GcpSevSnp);
        result.UserData.ToArray().Should().Equal(UserData);
        var info = SnpInstanceInfo.Parse(VtpmDocument.Parse(document).InstanceInfo.Span);
        info.AttestationReport.Span.Slice(0x50, 64).ToArray().Should().Equal(ExtraData.ReportData(UserData, Nonce));
        info.ReportSigner.Should().Contain("BEGIN CERTIFICATE");
        info.CertChain.Should().Be(_guest.Pki.Intermediate.ExportCertificatePem() + "\n");
        (info.GcpZone, info.GcpProjectId, info.GcpInstanceName).Should().Be(("europe-west3-b", "constellation-proj", "node-0"));
        using var json = JsonDocument.Parse(VtpmDocument.Parse(document).InstanceInfo);
        json.RootElement.GetProperty("GCP").EnumerateObject().Select(p => p.Name).Should().Equal("zone", "project_id", "instance_name");
        json.RootElement.GetProperty("Azure").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Test]
    public async Task A_document_checked_with_another_nonce_is_refused()
    {
        var document = await IssueAsync();

        var act = async () => await Validator(document).ValidateAsync(document, Encoding.ASCII.GetBytes("another nonce"));

        await act.Should().ThrowAsync<AttestationException>();
    }

    [Test]
    public async Task A_report_that_does_not_carry_the_requested_REPORT_DATA_is_not_sent()
    {
        await using var lying = new SyntheticSnpGuest(SnpEndorsementKind.Vcek, true) { Tweak = r => r[0x8F] ^= 0x80 };

        var act = async () => await IssueAsync(lying);

        await act.Should().ThrowAsync<AttestationBindingException>();
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_a_gcp_sev_snp_client()
    {
        using var issuer = (IDisposable)GcpSevSnpVariant.Instance.CreateIssuer(Services(_guest));
        var probe = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync((IAttestationIssuer)issuer, Validator(probe));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.GcpSevSnp.Oid);
    }

    private VariantIssuerServices Services(SyntheticSnpGuest guest) => new()
    {
        OpenTpm = SwtpmVtpm.Open(_swtpm),
        VtpmIssuerOptions = SwtpmVtpm.NoEventLog,
        SnpReports = guest,
        GceMetadata = new GceMetadataClient(_http, new GceMetadataOptions { BaseAddress = _metadata.BaseUri }),
    };

    private async Task<byte[]> IssueAsync(SyntheticSnpGuest? guest = null)
    {
        using var issuer = (IDisposable)GcpSevSnpVariant.Instance.CreateIssuer(Services(guest ?? _guest));
        return await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
    }

    private IAttestationValidator Validator(byte[] document) =>
        GcpSevSnpVariant.CreateValidator(_guest.Options(), new ShieldedIdentity(PemEncoding.WriteString("PUBLIC KEY", _ak.ToSubjectPublicKeyInfo())), SwtpmVtpm.MeasurementsOf(document));

    private sealed class ShieldedIdentity(string pem) : IGceShieldedIdentitySource
    {
        public Task<string> GetSigningKeyPemAsync(string projectId, string zone, string instanceName, CancellationToken cancellationToken) =>
            (projectId, zone, instanceName) == ("constellation-proj", "europe-west3-b", "node-0")
                ? Task.FromResult(pem)
                : throw new CollateralUnavailableException($"no instance {projectId}/{zone}/{instanceName}");
    }
}
