using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Collateral;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.AwsSevSnp;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.Common.Snp;
using Constellation.Tests;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Constellation.Attestation.Tests.Variants.Snp;

internal static class SnpInstanceInfoJson
{
    public static byte[] Build(byte[] report, string signerPem, string chainPem, byte[]? runtimeData = null, string? maaToken = null)
    {
        var info = new Dictionary<string, object?>
        {
            ["ReportSigner"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(signerPem)),
            ["CertChain"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(chainPem)),
            ["AttestationReport"] = Convert.ToBase64String(report),
            ["Azure"] = runtimeData is null ? null : new Dictionary<string, string> { ["RuntimeData"] = Convert.ToBase64String(runtimeData), ["MAAToken"] = maaToken ?? string.Empty },
            ["GCP"] = null,
        };
        return JsonSerializer.SerializeToUtf8Bytes(info);
    }

    public static VtpmAttestationContext Context(AttestationVariant variant, byte[] instanceInfo, byte[] akSpki, byte[]? extraData = null) =>
        new(variant, instanceInfo, extraData ?? new byte[32], [], akSpki, [], []);
}

public class AwsSevSnpHookTests
{
    [Test]
    public async Task The_real_AWS_report_verifies_but_binds_another_AK_so_report_data_is_named()
    {
        using var ak = RSA.Create(2048);
        var info = SnpInstanceInfoJson.Build(SnpVectors.AwsReportBytes, File.ReadAllText(TestData.Evidence("snp/aws-milan-vlek.pem")), string.Empty);
        var hooks = new AwsSevSnpHooks(new SnpVariantOptions { MinimumTcb = new SnpTcbParts(0, 0, 0, 0), AmdSigningKey = SnpVectors.MilanAsvk, VerificationTime = SnpVectors.AwsValidAt, CheckRevocation = false });

        var act = async () => await hooks.GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(AttestationVariant.AwsSevSnp, info, ak.ExportSubjectPublicKeyInfo()), default);

        var error = (await act.Should().ThrowAsync<AttestationPolicyException>()).Which;
        error.Violations.Should().ContainSingle().Which.Field.Should().Be("report_data");
        error.Violations[0].Actual.Should().StartWith("87ab7caf");
    }

    [Test]
    public async Task An_AK_whose_SHA512_is_in_a_VLEK_signed_report_is_trusted()
    {
        using var pki = SnpTestPki.Create(kind: SnpEndorsementKind.Vlek);
        using var ak = RSA.Create(2048);
        var spki = ak.ExportSubjectPublicKeyInfo();
        var tcb = SnpTcbVersion.FromComponents(SnpProductLine.Milan, 3, 0, 8, 115);
        var (vlek, key) = pki.Issue(SnpTestPki.StandardExtensions(SnpProductLine.Milan, SnpEndorsementKind.Vlek, tcb, null));
        var report = SnpTestPki.Report(SnpProductLine.Milan, SnpSigningKey.Vlek, tcb.Raw, new byte[64], key, r => SHA512.HashData(spki).CopyTo(r, 0x50));
        var info = SnpInstanceInfoJson.Build(report, vlek.ExportCertificatePem(), string.Empty);
        // Revocation has its own fixture (SnpVariantRevocationTests); it is switched off explicitly here.
        var hooks = new AwsSevSnpHooks(new SnpVariantOptions { MinimumTcb = new SnpTcbParts(3, 0, 8, 115), TrustedRoots = pki.Roots, AmdSigningKey = pki.Intermediate, VerificationTime = SnpTestPki.At, CheckRevocation = false });

        var trusted = await hooks.GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(AttestationVariant.AwsSevSnp, info, spki), default);

        trusted.ToArray().Should().Equal(spki);
    }

    [Test]
    public async Task A_VLEK_report_without_a_VLEK_in_the_evidence_is_rejected()
    {
        var info = SnpInstanceInfoJson.Build(SnpVectors.AwsReportBytes, string.Empty, string.Empty);
        var hooks = new AwsSevSnpHooks(new SnpVariantOptions { MinimumTcb = new SnpTcbParts(0, 0, 0, 0), AmdSigningKey = SnpVectors.MilanAsvk, VerificationTime = SnpVectors.AwsValidAt, CheckRevocation = false });

        var act = async () => await hooks.GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(AttestationVariant.AwsSevSnp, info, new byte[10]), default);

        (await act.Should().ThrowAsync<CertificateChainException>()).Which.Message.Should().Contain("VLEK certificate is missing");
    }
}

public class AzureSevSnpHookTests
{
    private static readonly byte[] ExtraData = SHA256.HashData("user data and nonce"u8);
    private static readonly byte[] AzureIdKeyDigest = Convert.FromHexString("57e229e0ffe5fa92d0faddff6cae0e61c926fc9ef9afd20a8b8cfcf7129db9338cbe5bf3f6987733a2bf65d06dc38fc1");
    private static readonly byte[] OtherDigest = Convert.FromHexString("0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3");

    private static byte[] RuntimeData => TestData.EvidenceBytes("snp/azure-runtimedata.json");

    private static byte[] HclAkSpki()
    {
        using var json = JsonDocument.Parse(RuntimeData);
        var key = json.RootElement.GetProperty("keys")[0];
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()), Exponent = Base64UrlEncoder.DecodeBytes(key.GetProperty("e").GetString()) });
        return rsa.ExportSubjectPublicKeyInfo();
    }

    private static byte[] Info(string? maaToken = null, byte[]? runtimeData = null) => SnpInstanceInfoJson.Build(
        SnpVectors.AzureReportBytes, File.ReadAllText(TestData.Evidence("snp/azure-milan-vcek.pem")), File.ReadAllText(TestData.Evidence("snp/milan-ask-ark.pem")), runtimeData ?? RuntimeData, maaToken);

    // No ARK-signed AMD CRL is in testdata, so the real Azure evidence is checked with revocation explicitly off
    // (except where the refusal without a CRL is the point).
    private static AzureSevSnpHooks Hooks(EnforcementPolicy enforcement, byte[] accepted, MaaTokenValidator? maa = null, Uri? maaUrl = null, bool checkRevocation = false) => new(
        new SnpVariantOptions { MinimumTcb = new SnpTcbParts(2, 0, 6, 93), VerificationTime = SnpVectors.AzureValidAt, CheckRevocation = checkRevocation },
        [accepted], enforcement, maa, maaUrl);

    private static ValueTask<ReadOnlyMemory<byte>> Run(AzureSevSnpHooks hooks, byte[] info, byte[]? akSpki = null) =>
        hooks.GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(AttestationVariant.AzureSevSnp, info, akSpki ?? HclAkSpki(), ExtraData), default);

    [Test]
    public async Task The_real_Azure_evidence_binds_the_HCL_AK_when_its_ID_key_digest_is_accepted()
    {
        var trusted = await Run(Hooks(EnforcementPolicy.Equal, AzureIdKeyDigest), Info());

        trusted.ToArray().Should().Equal(HclAkSpki());
    }

    [Test]
    public async Task The_real_Azure_evidence_is_refused_by_default_when_no_CRL_can_be_had()
    {
        var act = async () => await Run(Hooks(EnforcementPolicy.Equal, AzureIdKeyDigest, checkRevocation: true), Info());

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("revocation").And.Contain("CheckRevocation");
    }

    [Test]
    public async Task Another_AK_than_the_HCL_key_is_not_trusted()
    {
        using var other = RSA.Create(2048);

        var act = async () => await Run(Hooks(EnforcementPolicy.Equal, AzureIdKeyDigest), Info(), other.ExportSubjectPublicKeyInfo());

        await act.Should().ThrowAsync<AttestationTrustException>();
    }

    [Test]
    public async Task Runtime_data_that_does_not_hash_to_REPORT_DATA_is_a_binding_error()
    {
        var tampered = RuntimeData.Concat(" "u8.ToArray()).ToArray();

        var act = async () => await Run(Hooks(EnforcementPolicy.Equal, AzureIdKeyDigest), Info(runtimeData: tampered));

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("REPORT_DATA[0:32]");
    }

    [Test]
    public async Task An_unlisted_ID_key_digest_is_rejected_under_equal()
    {
        var act = async () => await Run(Hooks(EnforcementPolicy.Equal, OtherDigest), Info());

        (await act.Should().ThrowAsync<AttestationPolicyException>()).Which.Violations.Should().Contain(v => v.Field == "id_key_digest");
    }

    [Test]
    public async Task An_unlisted_ID_key_digest_is_accepted_under_warnOnly()
    {
        (await Run(Hooks(EnforcementPolicy.WarnOnly, OtherDigest), Info())).ToArray().Should().Equal(HclAkSpki());
    }

    [Test]
    public async Task An_unlisted_ID_key_digest_is_accepted_under_maaFallback_with_a_valid_MAA_token()
    {
        using var maa = new LocalMaa();
        var token = maa.Token(Convert.ToBase64String(ExtraData));
        await using var server = maa.Serve();
        using var http = new HttpClient();

        var trusted = await Run(Hooks(EnforcementPolicy.MaaFallback, OtherDigest, new MaaTokenValidator(http, new RecordingTimeProvider(LocalMaa.Now)), server.BaseUri), Info(token));

        trusted.ToArray().Should().Equal(HclAkSpki());
        server.RequestedPaths.Should().Equal("/certs");
    }

    [Test]
    public async Task A_MAA_token_for_another_nonce_is_rejected()
    {
        using var maa = new LocalMaa();
        await using var server = maa.Serve();
        using var http = new HttpClient();

        var act = async () => await Run(Hooks(EnforcementPolicy.MaaFallback, OtherDigest, new MaaTokenValidator(http, new RecordingTimeProvider(LocalMaa.Now)), server.BaseUri), Info(maa.Token(Convert.ToBase64String(new byte[32]))));

        (await act.Should().ThrowAsync<AttestationBindingException>()).Which.Field.Should().Be("x-ms-runtime.client-payload.nonce");
    }

    [Test]
    public async Task A_MAA_token_signed_by_a_key_not_in_the_JWKS_is_rejected()
    {
        using var maa = new LocalMaa();
        using var impostor = new LocalMaa();
        await using var server = maa.Serve();
        using var http = new HttpClient();

        var act = async () => await Run(Hooks(EnforcementPolicy.MaaFallback, OtherDigest, new MaaTokenValidator(http, new RecordingTimeProvider(LocalMaa.Now)), server.BaseUri), Info(impostor.Token(Convert.ToBase64String(ExtraData))));

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    [Test]
    public async Task An_expired_MAA_token_is_rejected()
    {
        using var maa = new LocalMaa();
        await using var server = maa.Serve();
        using var http = new HttpClient();

        var act = async () => await Run(Hooks(EnforcementPolicy.MaaFallback, OtherDigest, new MaaTokenValidator(http, new RecordingTimeProvider(LocalMaa.Now.AddHours(3))), server.BaseUri), Info(maa.Token(Convert.ToBase64String(ExtraData))));

        await act.Should().ThrowAsync<AttestationSignatureException>();
    }

    [Test]
    public async Task Without_an_MAA_URL_the_fallback_fails_and_the_digest_is_rejected()
    {
        using var maa = new LocalMaa();
        using var http = new HttpClient();

        var act = async () => await Run(Hooks(EnforcementPolicy.MaaFallback, OtherDigest, new MaaTokenValidator(http), maaUrl: null), Info(maa.Token(Convert.ToBase64String(ExtraData))));

        await act.Should().ThrowAsync<CollateralUnavailableException>();
    }

    /// <summary>A self-made MAA: an RSA signing certificate published as a JWKS on a loopback server.</summary>
    private sealed class LocalMaa : IDisposable
    {
        public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private readonly RSA _key = RSA.Create(2048);
        private readonly X509Certificate2 _certificate;
        private readonly string _kid = Guid.NewGuid().ToString("N");

        public LocalMaa()
        {
            var request = new CertificateRequest("CN=test maa signing", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            _certificate = request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(1));
        }

        public LoopbackHttpServer Serve()
        {
            var jwks = JsonSerializer.SerializeToUtf8Bytes(new { keys = new object[] { new { kid = "no-x5c" }, new { kid = _kid, x5c = new[] { Convert.ToBase64String(_certificate.RawData) } } } });
            return new LoopbackHttpServer(path => path == "/certs" ? LoopbackReply.Ok(jwks) : LoopbackReply.Text(404, "no"));
        }

        public string Token(string nonce) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["x-ms-runtime"] = new Dictionary<string, object> { ["client-payload"] = new Dictionary<string, object> { ["nonce"] = nonce } },
            },
            IssuedAt = Now.UtcDateTime,
            NotBefore = Now.UtcDateTime.AddMinutes(-5),
            Expires = Now.UtcDateTime.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = _kid }, SecurityAlgorithms.RsaSha256),
        });

        public void Dispose()
        {
            _certificate.Dispose();
            _key.Dispose();
        }
    }
}
