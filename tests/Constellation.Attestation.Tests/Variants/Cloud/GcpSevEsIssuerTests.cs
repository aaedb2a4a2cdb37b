using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Variants;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Attestation.Variants.Common.Metadata;
using Constellation.Attestation.Variants.GcpSevEs;
using Constellation.Tests.Swtpm;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>
/// gcp-sev-es issued by the registry's issuer on a swtpm provisioned like GCE's firmware (AK template in NV 0x01C10001,
/// AK certificate in NV 0x01C10000, a real GCE SEV boot's event log measured), the metadata server on loopback; validated
/// by the gcp-sev-es validator with a Compute API that vouches for the key GCE's template yields.
/// </summary>
[NonParallelizable]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in TearDown.")]
public sealed class GcpSevEsIssuerTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("gcp sev-es nonce");
    private static readonly byte[] UserData = Encoding.ASCII.GetBytes("node key");
    private static readonly GceInstanceInfo Instance = new("europe-west3-b", "constellation-proj", "node-0");

    private SwtpmProcess _swtpm = null!;
    private CloudFirmware _firmware = null!;
    private HttpStub _metadata = null!;
    private HttpClient _http = null!;
    private AkTestPki _pki = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _swtpm = await SwtpmProcess.StartAsync();
        _firmware = new CloudFirmware(_swtpm);
        _http = new HttpClient(CloudMetadataHttp.CreateHandler());
        _metadata = GceMetadataClientTests.Server();
        _pki = new AkTestPki("CN=GCE EK/AK CA Root (test)");
        await GceBootOnSwtpm.MeasureAsync(_swtpm, GceVector.EventLog);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _metadata.DisposeAsync();
        _http.Dispose();
        _pki.Dispose();
        _firmware.Dispose();
        await _swtpm.DisposeAsync();
    }

    [Test]
    public async Task The_registry_issuer_quotes_with_the_GCE_AK_sends_its_certificate_and_the_instance_and_validates()
    {
        var ak = await ProvisionAsync();
        var certificate = _pki.Certify(ak.CreateRsa());
        await _firmware.WriteNvAsync(TpmHandles.GceAkCertificateRsa, [.. certificate, .. new byte[64]]);
        using var issuer = (IDisposable)GcpSevEsVariant.Instance.CreateIssuer(Services());

        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
        var result = await Validator(ak, document).ValidateAsync(document, Nonce);

        result.Variant.Should().Be(AttestationVariant.GcpSevEs);
        result.UserData.ToArray().Should().Equal(UserData);
        var parsed = VtpmDocument.Parse(document);
        parsed.Attestation.AkPublic.ToArray().Should().Equal(ak.RawBytes.ToArray());
        parsed.Attestation.AkCertificate.ToArray().Should().Equal(certificate, "the NV index's zero padding is not part of the certificate");
        GceInstanceInfo.Parse(parsed.InstanceInfo.Span).Should().Be(Instance);
        Encoding.UTF8.GetString(parsed.InstanceInfo.Span).Should().Be("{\"zone\":\"europe-west3-b\",\"project_id\":\"constellation-proj\",\"instance_name\":\"node-0\"}");
    }

    [Test]
    public async Task Without_an_AK_certificate_in_NV_none_is_sent_as_go_tpm_tools_does()
    {
        var ak = await ProvisionAsync();
        using var issuer = (IDisposable)GcpSevEsVariant.Instance.CreateIssuer(Services());

        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        VtpmDocument.Parse(document).Attestation.AkCertificate.IsEmpty.Should().BeTrue();
        (await Validator(ak, document).ValidateAsync(document, Nonce)).Variant.Should().Be(AttestationVariant.GcpSevEs);
    }

    [Test]
    public async Task An_AK_certificate_index_holding_more_than_a_certificate_is_refused_by_the_issuer()
    {
        var ak = await ProvisionAsync();
        await _firmware.WriteNvAsync(TpmHandles.GceAkCertificateRsa, [.. _pki.Certify(ak.CreateRsa()), 0, 0, 7]);
        using var issuer = (IDisposable)GcpSevEsVariant.Instance.CreateIssuer(Services());

        var act = async () => await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*0x01c10000*zero padding*");
    }

    [Test]
    public async Task A_TPM_without_GCE_s_AK_template_cannot_issue_and_says_so()
    {
        using var issuer = (IDisposable)GcpSevEsVariant.Instance.CreateIssuer(Services());

        var act = async () => await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*0x01c10001*GCE*");
    }

    [Test]
    public async Task A_document_validated_with_another_instances_key_is_untrusted()
    {
        await ProvisionAsync();
        using var issuer = (IDisposable)GcpSevEsVariant.Instance.CreateIssuer(Services());
        var document = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);
        using var other = System.Security.Cryptography.RSA.Create(2048);

        var act = async () => await GcpSevEsVariant.CreateValidator(new Vouching(other.ExportSubjectPublicKeyInfo()), SwtpmVtpm.MeasurementsOf(document)).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationException>();
    }

    [Test]
    public async Task The_document_attests_an_aTLS_server_to_a_gcp_sev_es_client()
    {
        var ak = await ProvisionAsync();
        using var issuer = (IDisposable)GcpSevEsVariant.Instance.CreateIssuer(Services());
        var probe = await ((IAttestationIssuer)issuer).IssueAsync(UserData, Nonce);

        var peer = await AtlsRoundTrip.ConnectAsync((IAttestationIssuer)issuer, Validator(ak, probe));

        peer.IsAttested.Should().BeTrue();
        peer.ExtensionOids.Should().Equal(AttestationVariant.GcpSevEs.Oid);
    }

    /// <summary>Writes GCE's AK template and returns the key it yields under the endorsement hierarchy.</summary>
    private async Task<TpmPublic> ProvisionAsync()
    {
        var template = TpmPublic.RsaAttestationKeyTemplate();
        await _firmware.WriteNvAsync(TpmHandles.GceAkTemplateRsa, template.RawBytes.ToArray());
        await using var tpm = await SwtpmVtpm.ClientAsync(_swtpm);
        var key = await tpm.CreatePrimaryAsync(TpmHandles.Endorsement, template);
        await tpm.FlushContextAsync(key.Handle);
        return key.Public;
    }

    private VariantIssuerServices Services() => new()
    {
        OpenTpm = SwtpmVtpm.Open(_swtpm),
        VtpmIssuerOptions = new VtpmIssuerOptions { EventLogReader = _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(GceVector.EventLog) },
        GceMetadata = new GceMetadataClient(_http, new GceMetadataOptions { BaseAddress = _metadata.BaseUri }),
    };

    private static IAttestationValidator Validator(TpmPublic ak, byte[] document) =>
        GcpSevEsVariant.CreateValidator(new Vouching(ak.ToSubjectPublicKeyInfo()), SwtpmVtpm.MeasurementsOf(document));

    /// <summary>The Compute API's shielded identity for <see cref="Instance"/>: one key.</summary>
    private sealed class Vouching(byte[] signingKey) : IGceShieldedIdentityClient
    {
        public ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken) =>
            instance == Instance
                ? ValueTask.FromResult<ReadOnlyMemory<byte>>(signingKey)
                : throw new CollateralUnavailableException($"no such instance {instance}");
    }
}
