using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Tdx;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tests.Variants.Cloud;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Tests;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.AzureTdx;

/// <summary>
/// azure-tdx end to end on a real swtpm provisioned like Azure's paravisor (RSA AK at 0x81000003, a test HCL report in NV
/// index 0x01400001) with IMDS played by a loopback server that quotes the posted TDREPORT's REPORTDATA (SyntheticTdx PKI).
/// </summary>
[NonParallelizable]
public sealed class AzureTdxRoundTripTests : IDisposable
{
    private static readonly byte[] UserData = "node public key"u8.ToArray();
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(32);

    private SwtpmProcess _swtpm = null!;
    private string _dir = null!;
    private SyntheticTdx _pki = null!;
    private byte[] _hclReport = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _dir = Directory.CreateTempSubdirectory("azure-tdx-").FullName;
        _pki = new SyntheticTdx();
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_createprimary", "-C", "o", "-G", "rsa2048:rsassa-sha256:null", "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign", "-c", "ak.ctx");
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_evictcontrol", "-C", "o", "-c", "ak.ctx", "0x81000003");
        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        using var ak = RSA.Create();
        ak.ImportSubjectPublicKeyInfo((await tpm.ReadPublicAsync(TpmHandles.AzureAttestationKey)).Public.ToSubjectPublicKeyInfo(), out _);
        _hclReport = AzureTdxEvidence.HclReport(AzureTdxEvidence.RuntimeData(ak), padding: 16);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _swtpm.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        _pki.Dispose();
    }

    public void Dispose() => _pki?.Dispose();

    private async Task StoreHclReportAsync(byte[] report)
    {
        var file = Path.Combine(_dir, "hcl.bin");
        await File.WriteAllBytesAsync(file, report);
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_nvdefine", "0x01400001", "-C", "o", "-s", report.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", "ownerread|ownerwrite");
        await Tpm2Tools.RunOkAsync(_swtpm, _dir, "tpm2_nvwrite", "0x01400001", "-C", "o", "-i", file);
    }

    /// <summary>Plays IMDS: quotes the REPORTDATA of the posted TDREPORT, or what <paramref name="reportDataFor"/> picks.</summary>
    private LoopbackHttpServer Imds(Func<byte[], byte[]>? reportDataFor = null, int status = 200) => new((path, body) =>
    {
        if (path != "/acc/tdquote")
        {
            return LoopbackReply.Text(404, "not found");
        }

        if (status != 200)
        {
            return LoopbackReply.Text(status, "{\"error\":\"busy\"}");
        }

        using var json = JsonDocument.Parse(body);
        var tdReport = Base64Url.DecodeFromChars(json.RootElement.GetProperty("report").GetString());
        var reportData = reportDataFor?.Invoke(tdReport) ?? tdReport.AsSpan(0x80, 64).ToArray();
        var quote = _pki.Quote(b => reportData.CopyTo(b, 0x208));
        return LoopbackReply.Ok(Encoding.UTF8.GetBytes($"{{\"quote\":\"{Base64Url.EncodeToString(quote)}\"}}"));
    });

    private VtpmIssuer Issuer(AzureTdxIssuerHooks hooks) => AzureTdxVariant.CreateIssuer(SwtpmVtpm.Open(_swtpm), hooks, SwtpmVtpm.NoEventLog);

    private VtpmValidator Validator(MeasurementSet measurements) =>
        AzureTdxVariant.CreateValidator(
            measurements,
            new TdxVerificationOptions { TrustedRoots = [_pki.Root], CollateralSource = new FixedTdxCollateral(_pki.Collateral()), TimeProvider = new RecordingTimeProvider(SyntheticTdx.At) },
            TdxValidationOptions.Default);

    [Test]
    public async Task A_document_issued_from_the_vTPM_HCL_report_and_an_IMDS_quote_validates()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });

        var document = await Issuer(hooks).IssueAsync(UserData, Nonce);
        var result = await Validator(SwtpmVtpm.MeasurementsOf(document)).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.AzureTdx);
        result.UserData.ToArray().Should().Equal(UserData);
        imds.RequestedPaths.Should().Equal("/acc/tdquote");
        using var posted = JsonDocument.Parse(imds.RequestBodies.Single());
        posted.RootElement.GetProperty("report").GetString().Should().Be(Base64Url.EncodeToString(_hclReport.AsSpan(0x20, 1024)), "the TDREPORT goes to IMDS base64url-encoded without padding");
        var info = AzureTdxInstanceInfo.Parse(VtpmDocument.Parse(document).InstanceInfo.Span);
        info.RuntimeData.ToArray().Should().Equal(_hclReport.AsSpan(0x4D4, BitConverter.ToInt32(_hclReport, 0x4D0)).ToArray());
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_an_azure_tdx_client()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });
        var issuer = Issuer(hooks);
        var probe = await issuer.IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync(issuer, Validator(SwtpmVtpm.MeasurementsOf(probe)));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.AzureTdx.Oid);
        imds.RequestCount.Should().Be(2, "the probe and the aTLS handshake each asked IMDS for a quote over their own REPORTDATA");
    }

    [Test]
    public async Task An_aTLS_server_booted_with_another_PCR_is_refused_by_the_azure_tdx_client()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });
        var issuer = Issuer(hooks);
        var expected = SwtpmVtpm.MeasurementsOf(await issuer.IssueAsync(UserData, Nonce));
        await SwtpmVtpm.ExtendAsync(_swtpm, 4, "another boot loader");

        var act = () => AtlsRoundTrip.ConnectAsync(issuer, Validator(expected));

        await act.Should().ThrowAsync<MeasurementMismatchException>();
    }

    [Test]
    public async Task A_document_checked_with_another_nonce_is_rejected()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });
        var document = await Issuer(hooks).IssueAsync(UserData, Nonce);

        var act = async () => await Validator(SwtpmVtpm.MeasurementsOf(document)).ValidateAsync(document, new byte[32]);

        await act.Should().ThrowAsync<AttestationException>();
    }

    [Test]
    public async Task A_changed_PCR_is_a_measurement_mismatch()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });
        var expected = SwtpmVtpm.MeasurementsOf(await Issuer(hooks).IssueAsync(UserData, Nonce));
        await SwtpmVtpm.ExtendAsync(_swtpm, 4, "another boot loader");
        var document = await Issuer(hooks).IssueAsync(UserData, Nonce);

        var act = async () => await Validator(expected).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<MeasurementMismatchException>();
    }

    [Test]
    public async Task An_HCL_report_of_an_SNP_VM_is_refused_by_the_issuer_before_IMDS_is_asked()
    {
        var snp = _hclReport.ToArray();
        BitConverter.GetBytes(2u).CopyTo(snp, 0x4C8);
        await StoreHclReportAsync(snp);
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });

        var act = async () => await Issuer(hooks).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*report type at 0x4c8 expected 4 (Tdx), got 2 (Snp)*");
        imds.RequestCount.Should().Be(0);
    }

    [Test]
    public async Task A_missing_HCL_report_NV_index_is_a_TPM_error_naming_the_command()
    {
        await using var imds = Imds();
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });

        var act = async () => await Issuer(hooks).IssueAsync(UserData, Nonce);

        (await act.Should().ThrowAsync<TpmCommandException>()).Which.Command.Should().Be("TPM2_NV_ReadPublic");
    }

    [Test]
    public async Task An_IMDS_error_status_is_reported_with_the_endpoint()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds(status: 503);
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });

        var act = async () => await Issuer(hooks).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationException>().WithMessage($"*{imds.BaseUri}acc/tdquote failed: HTTP 503*");
    }

    [Test]
    public async Task An_unreachable_IMDS_is_reported_as_an_attestation_error()
    {
        await StoreHclReportAsync(_hclReport);
        var down = LoopbackHttpServer.UnusedLoopbackUri("/");
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = down });

        var act = async () => await Issuer(hooks).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*Azure IMDS TD quote request*failed*");
    }

    [Test]
    public async Task A_quote_for_other_report_data_is_never_sent_by_the_issuer()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = Imds(reportDataFor: _ => new byte[64]);
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });

        var act = async () => await Issuer(hooks).IssueAsync(UserData, Nonce);

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("IMDS quote REPORTDATA[0:32]");
    }

    [Test]
    public async Task An_IMDS_answer_without_a_quote_is_a_format_error()
    {
        await StoreHclReportAsync(_hclReport);
        await using var imds = new LoopbackHttpServer((_, _) => LoopbackReply.Text(200, "{\"report\":\"x\"}"));
        using var hooks = new AzureTdxIssuerHooks(new AzureTdxIssuerOptions { ImdsBaseAddress = imds.BaseUri });

        var act = async () => await Issuer(hooks).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*has no \"quote\" string*");
    }
}
