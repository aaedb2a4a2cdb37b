using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Variants.GcpSevSnp;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Tests.Variants.Snp;

public class GcpSevSnpHookTests
{
    private static readonly byte[] ExtraData = SHA256.HashData("gcp extra data"u8);

    private sealed class FakeGce(string pem) : IGceShieldedIdentitySource
    {
        public List<string> Lookups { get; } = [];

        public Task<string> GetSigningKeyPemAsync(string projectId, string zone, string instanceName, CancellationToken cancellationToken)
        {
            Lookups.Add($"{projectId}/{zone}/{instanceName}");
            return Task.FromResult(pem);
        }
    }

    private static (byte[] Info, SnpVariantOptions Options, SnpTestPki Pki) Evidence(byte[] reportDataSource)
    {
        var pki = SnpTestPki.Create();
        var chip = Enumerable.Range(7, 64).Select(i => (byte)i).ToArray();
        var tcb = SnpTcbVersion.FromComponents(SnpProductLine.Milan, 3, 0, 8, 115);
        var (vcek, key) = pki.Issue(SnpTestPki.StandardExtensions(SnpProductLine.Milan, SnpEndorsementKind.Vcek, tcb, chip));
        var report = SnpTestPki.Report(SnpProductLine.Milan, SnpSigningKey.Vcek, tcb.Raw, chip, key, r => reportDataSource.CopyTo(r, 0x50));
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["ReportSigner"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(vcek.ExportCertificatePem())),
            ["CertChain"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(pki.Intermediate.ExportCertificatePem())),
            ["AttestationReport"] = Convert.ToBase64String(report),
            ["Azure"] = null,
            ["GCP"] = new Dictionary<string, string> { ["zone"] = "europe-west3-b", ["project_id"] = "proj", ["instance_name"] = "node-0" },
        });
        // Revocation is not what these tests are about (SnpVariantRevocationTests); it is switched off explicitly.
        return (json, new SnpVariantOptions { MinimumTcb = new SnpTcbParts(3, 0, 8, 115), TrustedRoots = pki.Roots, VerificationTime = SnpTestPki.At, CheckRevocation = false }, pki);
    }

    [Test]
    public async Task The_AK_from_the_GCE_identity_is_trusted_when_the_report_carries_extra_data()
    {
        using var ak = RSA.Create(2048);
        var (info, options, pki) = Evidence(ExtraData);
        using var _ = pki;
        var gce = new FakeGce(ak.ExportSubjectPublicKeyInfoPem());

        var trusted = await new GcpSevSnpHooks(options, gce).GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(AttestationVariant.GcpSevSnp, info, [], ExtraData), default);

        trusted.ToArray().Should().Equal(ak.ExportSubjectPublicKeyInfo());
        gce.Lookups.Should().Equal("proj/europe-west3-b/node-0");
    }

    [Test]
    public async Task A_report_carrying_other_extra_data_is_rejected_before_any_GCE_lookup()
    {
        using var ak = RSA.Create(2048);
        var (info, options, pki) = Evidence(SHA256.HashData("stale"u8));
        using var _ = pki;
        var gce = new FakeGce(ak.ExportSubjectPublicKeyInfoPem());

        var act = async () => await new GcpSevSnpHooks(options, gce).GetTrustedAttestationKeyAsync(SnpInstanceInfoJson.Context(AttestationVariant.GcpSevSnp, info, [], ExtraData), default);

        (await act.Should().ThrowAsync<AttestationPolicyException>()).Which.Violations.Should().ContainSingle().Which.Field.Should().Be("report_data");
        gce.Lookups.Should().BeEmpty();
    }
}
