using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;
using Constellation.Attestation.Variants.GcpSevEs;
using Constellation.Attestation.Variants.GcpSevSnp;
using Constellation.Attestation.Variants.Common.Gcp;
using Constellation.Tests.Swtpm;
using Google.Apis.Auth.OAuth2;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>gcp-sev-es: AK from the (stubbed) Compute API, CVM check from the event log.</summary>
[NonParallelizable]
public class GcpSevEsTests
{
    private static readonly byte[] Nonce = Encoding.ASCII.GetBytes("gcp nonce");
    private static readonly GceInstanceInfo Instance = new("europe-west3-b", "constellation-test", "worker-0");

    [Test]
    public async Task The_AK_comes_from_getShieldedInstanceIdentity_with_a_bearer_token_and_a_non_GCE_document_fails_the_CVM_check()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = new VtpmIssuer(AttestationVariant.GcpSevEs, SwtpmVtpm.Open(swtpm), new GceLikeIssuerHooks(Instance), SwtpmVtpm.NoEventLog);
        var document = await issuer.IssueAsync(new byte[] { 1 }, Nonce);
        var akPem = PemOf(document);
        await using var api = new HttpStub(_ => (200, "application/json", $"{{\"kind\":\"compute#shieldedInstanceIdentity\",\"signingKey\":{{\"ekPub\":{System.Text.Json.JsonSerializer.Serialize(akPem)}}}}}"));
        using var http = new HttpClient();
        var validator = GcpSevEsVariant.CreateValidator(new GceShieldedIdentityClient(http, new StaticToken("test-token"), api.BaseUri), MeasurementSet.EmptyAllowed);

        var act = async () => await validator.ValidateAsync(document, Nonce);

        // Trust and quotes pass; swtpm has no GCE firmware event log, so the CVM check reports both violations.
        var thrown = await act.Should().ThrowAsync<AttestationPolicyException>();
        thrown.Which.Violations.Select(v => v.Field).Should().Equal("platform.gce_version", "platform.technology");
        var request = api.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/projects/constellation-test/zones/europe-west3-b/instances/worker-0/getShieldedInstanceIdentity");
        request.Headers["authorization"].Should().Be("Bearer test-token");
    }

    [Test]
    public async Task A_document_whose_AK_is_not_the_instances_signing_key_is_untrusted()
    {
        await using var swtpm = await SwtpmProcess.StartAsync();
        using var issuer = new VtpmIssuer(AttestationVariant.GcpSevEs, SwtpmVtpm.Open(swtpm), new GceLikeIssuerHooks(Instance), SwtpmVtpm.NoEventLog);
        var document = await issuer.IssueAsync(new byte[] { 1 }, Nonce);
        using var other = RSA.Create(2048);
        await using var api = new HttpStub(_ => (200, "application/json", $"{{\"signingKey\":{{\"ekPub\":{System.Text.Json.JsonSerializer.Serialize(other.ExportSubjectPublicKeyInfoPem())}}}}}"));
        using var http = new HttpClient();

        var act = async () => await GcpSevEsVariant.CreateValidator(new GceShieldedIdentityClient(http, new StaticToken("t"), api.BaseUri), MeasurementSet.EmptyAllowed).ValidateAsync(document, Nonce);

        await act.Should().ThrowAsync<AttestationTrustException>().WithMessage("key not trusted*gcp-sev-es*");
    }

    [TestCase(404)]
    [TestCase(500)]
    public async Task An_API_error_is_reported_as_unavailable_collateral(int status)
    {
        await using var api = new HttpStub(_ => (status, "application/json", "{\"error\":{}}"));
        using var http = new HttpClient();
        var client = new GceShieldedIdentityClient(http, new StaticToken("t"), api.BaseUri);

        var act = async () => await client.GetSigningKeyAsync(Instance, CancellationToken.None);

        await act.Should().ThrowAsync<CollateralUnavailableException>().WithMessage($"*HTTP {status}*");
    }

    [Test]
    public void Instance_info_without_an_instance_name_is_rejected()
    {
        var act = () => GceInstanceInfo.Parse(Encoding.UTF8.GetBytes("{\"zone\":\"z\",\"project_id\":\"p\"}"));

        act.Should().Throw<AttestationFormatException>().WithMessage("*instance_name*");
    }

    [Test]
    public void Instance_info_is_written_with_go_json_keys()
    {
        Encoding.UTF8.GetString(Instance.ToJson()).Should().Be("{\"zone\":\"europe-west3-b\",\"project_id\":\"constellation-test\",\"instance_name\":\"worker-0\"}");
    }

    [Test]
    public async Task The_CVM_check_passes_for_the_real_GCE_event_log_on_AMD_SEV()
    {
        var hooks = new GcpSevEsHooks(new GceShieldedIdentityClient(new HttpClient(), new StaticToken("unused"), new Uri("http://127.0.0.1:9/")));
        var context = new VtpmAttestationContext(AttestationVariant.GcpSevEs, Instance.ToJson(), new byte[32], GceVector.AkPublic, TpmPublic.Parse(GceVector.AkPublic).ToSubjectPublicKeyInfo(), GceVector.AkCertificate, GceVector.EventLog)
        {
            PlatformState = GcePlatformState.FromEventLog(TcgEventLog.Parse(GceVector.EventLog)),
        };

        var act = async () => await hooks.CheckConfidentialVmAsync(context, CancellationToken.None);

        await act.Should().NotThrowAsync();
    }

    private static string PemOf(byte[] document) =>
        PemEncoding.WriteString("PUBLIC KEY", TpmPublic.Parse(VtpmDocument.Parse(document).Attestation.AkPublic.Span).ToSubjectPublicKeyInfo());

    [Test]
    public async Task The_Compute_API_client_serves_gcp_sev_snp_with_the_same_key_as_PEM()
    {
        using var key = RSA.Create(2048);
        var pem = key.ExportSubjectPublicKeyInfoPem();
        await using var api = new HttpStub(_ => (200, "application/json", $"{{\"signingKey\":{{\"ekPub\":{System.Text.Json.JsonSerializer.Serialize(pem)}}}}}"));
        using var http = new HttpClient();
        IGceShieldedIdentitySource source = new GceShieldedIdentityClient(http, new StaticToken("t"), api.BaseUri);

        var answer = await source.GetSigningKeyPemAsync("constellation-test", "europe-west3-b", "worker-0", CancellationToken.None);

        using var parsed = RSA.Create();
        parsed.ImportFromPem(answer);
        parsed.ExportSubjectPublicKeyInfo().Should().Equal(key.ExportSubjectPublicKeyInfo());
        api.Requests.Single().Path.Should().Be("/projects/constellation-test/zones/europe-west3-b/instances/worker-0/getShieldedInstanceIdentity");
    }

    private sealed class StaticToken(string token) : ITokenAccess
    {
        public Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) => Task.FromResult(token);
    }
}
