using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tests.Variants.AzureTdx;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Metadata;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// azure-sev-snp issued by the registry's issuer on a swtpm provisioned like Azure's paravisor (AK at 0x81000003, an HCL
/// report in NV 0x01400001 whose SEV-SNP report the test PKI signed over the runtime data), THIM on loopback; validated by
/// the azure-sev-snp validator trusting the test PKI only.
/// </summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in TearDown.")]
public sealed class AzureSevSnpIssuerTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("azure snp nonce");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("node key");

    private SwtpmProcess _swtpm = null!;
    private CloudFirmware _firmware = null!;
    private SyntheticSnpGuest _guest = null!;
    private HttpClient _http = null!;
    private RSA _ak = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _firmware = new CloudFirmware(_swtpm);
        _guest = new SyntheticSnpGuest(SnpEndorsementKind.Vcek, tableHasIntermediate: false);
        _http = new HttpClient(CloudMetadataHttp.CreateHandler());
        await _firmware.PersistRsaAkAsync(TpmHandles.AzureAttestationKey);
        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        _ak = (await tpm.ReadPublicAsync(TpmHandles.AzureAttestationKey)).Public.CreateRsa();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        _ak.Dispose();
        _http.Dispose();
        await _guest.DisposeAsync();
        _firmware.Dispose();
        await _swtpm.DisposeAsync();
    }

    /// <summary>Stores an HCL report whose SNP report (signed by the test PKI) carries <paramref name="reportData"/> (default: the runtime data's hash).</summary>
    private async Task<byte[]> StoreHclReportAsync(byte[] runtimeData, byte[]? reportData = null, uint type = 2)
    {
        var report = await _guest.GetReportAsync(reportData ?? AzureTdxEvidence.ReportData(runtimeData));
        var hcl = AzureTdxEvidence.HclReport(runtimeData, reportType: type, padding: 16);
        report.Report.RawBytes.CopyTo(hcl.AsSpan(0x20));
        await _firmware.WriteNvAsync(AzureHclReport.NvIndex, hcl);
        return runtimeData;
    }

    private HttpStub Imds(string tags = "[]") =>
        AzureImdsClientTests.Server(AzureImdsClientTests.Thim(_guest.LastSigner!.ExportCertificatePem(), _guest.Pki.Intermediate.ExportCertificatePem() + "\n" + _guest.Pki.Ark.ExportCertificatePem() + "\n"), tags);

    [Test]
    public async Task The_HCL_report_and_THIM_chain_are_sent_and_the_document_validates()
    {
        var runtimeData = await StoreHclReportAsync(AzureTdxEvidence.RuntimeData(_ak));
        await using var imds = Imds();

        var document = await IssueAsync(imds);
        var result = await Validator(document).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.AzureSevSnp);
        result.UserData.ToArray().Should().Equal(UserData);
        var info = SnpInstanceInfo.Parse(VtpmDocument.Parse(document).InstanceInfo.Span);
        info.AzureRuntimeData!.Value.ToArray().Should().Equal(runtimeData);
        info.AzureMaaToken.Should().BeEmpty("the VM has no MAA URL tag");
        info.ReportSigner.Should().Be(_guest.LastSigner!.ExportCertificatePem());
        info.CertChain.Should().StartWith(_guest.Pki.Intermediate.ExportCertificatePem());
        imds.Requests.Select(r => r.Path).Should().Contain("/metadata/THIM/amd/certification");
    }

    [Test]
    public async Task An_HCL_report_whose_REPORT_DATA_does_not_hash_the_runtime_data_is_refused_before_IMDS_is_asked()
    {
        var runtimeData = AzureTdxEvidence.RuntimeData(_ak);
        await StoreHclReportAsync(runtimeData, reportData: AzureTdxEvidence.ReportData(AzureTdxEvidence.RuntimeData(_ak, vmUniqueId: "another-vm")));
        await using var imds = Imds();

        var act = async () => await IssueAsync(imds);

        await act.Should().ThrowAsync<AttestationBindingException>().WithMessage("*REPORT_DATA*");
        imds.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task Runtime_data_naming_another_key_than_the_AK_is_refused()
    {
        using var stranger = RSA.Create(2048);
        await StoreHclReportAsync(AzureTdxEvidence.RuntimeData(stranger));
        await using var imds = Imds();

        var act = async () => await IssueAsync(imds);

        await act.Should().ThrowAsync<AttestationException>();
        imds.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task An_HCL_report_of_a_TDX_VM_is_refused()
    {
        await StoreHclReportAsync(AzureTdxEvidence.RuntimeData(_ak), type: 4);
        await using var imds = Imds();

        var act = async () => await IssueAsync(imds);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*report type*");
    }

    [Test]
    public async Task A_MAA_URL_tag_without_a_token_source_stops_the_issue_and_with_one_the_token_is_sent()
    {
        await StoreHclReportAsync(AzureTdxEvidence.RuntimeData(_ak));
        await using var imds = Imds("[{\"name\":\"constellation-maa-url\",\"value\":\"https://maa.example.attest.azure.net\"}]");

        var refused = async () => await IssueAsync(imds);
        (await refused.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("constellation-maa-url").And.Contain("VariantIssuerServices.MaaTokens");

        var tokens = new RecordingMaa();
        var document = await IssueAsync(imds, tokens);
        SnpInstanceInfo.Parse(VtpmDocument.Parse(document).InstanceInfo.Span).AzureMaaToken.Should().Be("header.payload.signature");
        tokens.Calls.Should().ContainSingle().Which.Should().Be((new Uri("https://maa.example.attest.azure.net"), Convert.ToHexStringLower(ExtraData.Compute(UserData, Nonce))));
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_an_azure_sev_snp_client()
    {
        await StoreHclReportAsync(AzureTdxEvidence.RuntimeData(_ak));
        await using var imds = Imds();
        using var issuer = (IDisposable)AzureSevSnpVariant.Instance.CreateIssuer(Services(imds));
        var probe = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync((IAttestationIssuer)issuer, Validator(probe));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.AzureSevSnp.Oid);
    }

    private VariantIssuerServices Services(HttpStub imds, IMaaTokenSource? maa = null) => new()
    {
        OpenTpm = SwtpmVtpm.Open(_swtpm),
        VtpmIssuerOptions = SwtpmVtpm.NoEventLog,
        AzureInstanceMetadata = new AzureImdsClient(_http, new AzureImdsOptions { BaseAddress = imds.BaseUri }),
        MaaTokens = maa,
    };

    private async Task<byte[]> IssueAsync(HttpStub imds, IMaaTokenSource? maa = null)
    {
        using var issuer = (IDisposable)AzureSevSnpVariant.Instance.CreateIssuer(Services(imds, maa));
        return await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
    }

    // The synthetic report has no ID block; the ID key digest policy is the validator's own tests' subject.
    private IAttestationValidator Validator(byte[] document) =>
        AzureSevSnpVariant.CreateValidator(_guest.Options(), [], EnforcementPolicy.WarnOnly, SwtpmVtpm.MeasurementsOf(document));

    private sealed class RecordingMaa : IMaaTokenSource
    {
        public List<(Uri Url, string ExtraData)> Calls { get; } = [];

        public Task<string> CreateTokenAsync(Uri maaUrl, ReadOnlyMemory<byte> extraData, TpmClient tpm, CancellationToken cancellationToken)
        {
            Calls.Add((maaUrl, Convert.ToHexStringLower(extraData.Span)));
            return Task.FromResult("header.payload.signature");
        }
    }
}
