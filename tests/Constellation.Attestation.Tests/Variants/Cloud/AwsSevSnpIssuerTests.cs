using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.AwsSevSnp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// aws-sev-snp issued by the registry's issuer: a swtpm for the NitroTPM and a synthetic SEV-SNP guest whose VLEK the host's
/// certificate table carries, validated by the aws-sev-snp validator trusting the test PKI (and its ASVK) only.
/// </summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in TearDown.")]
public sealed class AwsSevSnpIssuerTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("aws snp nonce");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("node key");

    private SwtpmProcess _swtpm = null!;
    private SyntheticSnpGuest _guest = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _guest = new SyntheticSnpGuest(SnpEndorsementKind.Vlek, tableHasIntermediate: false);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _guest.DisposeAsync();
        await _swtpm.DisposeAsync();
    }

    [Test]
    public async Task The_report_binds_SHA_512_of_the_AK_carries_the_VLEK_and_validates()
    {
        var document = await IssueAsync(_guest);

        var result = await Validator(document).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.AwsSevSnp);
        result.UserData.ToArray().Should().Equal(UserData);
        var parsed = VtpmDocument.Parse(document);
        var info = SnpInstanceInfo.Parse(parsed.InstanceInfo.Span);
        var akSpki = TpmPublic.Parse(parsed.Attestation.AkPublic.Span).ToSubjectPublicKeyInfo();
        info.AttestationReport.Span.Slice(0x50, 64).ToArray().Should().Equal(SHA512.HashData(akSpki));
        info.ReportSigner.Should().Be(_guest.LastSigner!.ExportCertificatePem() + "\n");
        using var json = JsonDocument.Parse(parsed.InstanceInfo);
        json.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind)).Should().Equal(
            ("ReportSigner", JsonValueKind.String), ("CertChain", JsonValueKind.Null), ("AttestationReport", JsonValueKind.String), ("Azure", JsonValueKind.Null), ("GCP", JsonValueKind.Null));
    }

    [Test]
    public async Task A_report_that_does_not_carry_the_requested_REPORT_DATA_is_not_sent()
    {
        await using var lying = new SyntheticSnpGuest(SnpEndorsementKind.Vlek, false) { Tweak = r => r[0x50] ^= 1 };

        var act = async () => await IssueAsync(lying);

        await act.Should().ThrowAsync<AttestationBindingException>().WithMessage("*REPORT_DATA*");
    }

    [Test]
    public async Task A_host_table_without_the_VLEK_stops_the_issue()
    {
        await using var bare = new SyntheticSnpGuest(SnpEndorsementKind.Vlek, false) { OmitSigner = true };

        var act = async () => await IssueAsync(bare);

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*no VLEK*");
    }

    [Test]
    public async Task A_document_whose_AK_is_swapped_for_another_is_refused()
    {
        var document = await IssueAsync(_guest);
        using var other = RSA.Create(2048);
        var swapped = SwtpmVtpm.WithAkPublic(document, TpmPublic.FromSubjectPublicKeyInfo(other.ExportSubjectPublicKeyInfo()).ToArray());

        var act = async () => await Validator(document).ValidateAsync(swapped, Nonce);

        await act.Should().ThrowAsync<AttestationException>();
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_an_aws_sev_snp_client()
    {
        using var issuer = (IDisposable)AwsSevSnpVariant.Instance.CreateIssuer(Services(_guest));
        var probe = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync((IAttestationIssuer)issuer, Validator(probe));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.AwsSevSnp.Oid);
    }

    private VariantIssuerServices Services(ISnpReportSource reports) => new() { OpenTpm = SwtpmVtpm.Open(_swtpm), VtpmIssuerOptions = SwtpmVtpm.NoEventLog, SnpReports = reports };

    private async Task<byte[]> IssueAsync(ISnpReportSource reports)
    {
        using var issuer = (IDisposable)AwsSevSnpVariant.Instance.CreateIssuer(Services(reports));
        return await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
    }

    // AWS sends no CertChain: the ASVK comes from the config's amdSigningKey, as the join service fills it.
    private IAttestationValidator Validator(byte[] document) =>
        AwsSevSnpVariant.CreateValidator(_guest.Options(amdSigningKey: _guest.Pki.Intermediate), SwtpmVtpm.MeasurementsOf(document));
}
