using System.Security.Cryptography;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tests.Snp;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Tests.Variants.Snp;

/// <summary>
/// The SNP variants check revocation by default: the ARK-signed AMD CRL is fetched through <see cref="AmdKdsClient"/>
/// (or taken from its cache offline) and a revoked VCEK/VLEK or ASK/ASVK, a stale or foreign CRL, or no CRL at all
/// gets the evidence refused. Only <see cref="SnpVariantOptions.CheckRevocation"/> = false turns this off.
/// </summary>
public class SnpVariantRevocationTests
{
    private static IEnumerable<TestCaseData> Kinds()
    {
        yield return new TestCaseData(SnpEndorsementKind.Vcek).SetArgDisplayNames("gcp-sev-snp (VCEK)");
        yield return new TestCaseData(SnpEndorsementKind.Vlek).SetArgDisplayNames("aws-sev-snp (VLEK)");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task A_current_CRL_from_KDS_that_lists_neither_certificate_lets_the_evidence_through(SnpEndorsementKind kind)
    {
        using var evidence = new SnpVariantEvidence(kind);
        await using var server = SnpVariantEvidence.Kds(evidence.CrlPath, evidence.Pki.CurrentCrl());

        var trusted = await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.Client(server, new MemoryCollateralCache())));

        trusted.ToArray().Should().Equal(evidence.Spki);
        server.RequestedPaths.Should().Equal(evidence.CrlPath);
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task A_revoked_VCEK_or_VLEK_is_refused(SnpEndorsementKind kind)
    {
        using var evidence = new SnpVariantEvidence(kind);
        await using var server = SnpVariantEvidence.Kds(evidence.CrlPath, evidence.Pki.CurrentCrl(evidence.Signer));

        var act = async () => await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.Client(server, new MemoryCollateralCache())));

        (await act.Should().ThrowAsync<CertificateChainException>()).Which.Message.Should().Contain(kind == SnpEndorsementKind.Vcek ? "SEV-VCEK" : "SEV-VLEK").And.Contain("revoked");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task A_revoked_ASK_or_ASVK_is_refused(SnpEndorsementKind kind)
    {
        using var evidence = new SnpVariantEvidence(kind);
        await using var server = SnpVariantEvidence.Kds(evidence.CrlPath, evidence.Pki.CurrentCrl(evidence.Pki.Intermediate));

        var act = async () => await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.Client(server, new MemoryCollateralCache())));

        (await act.Should().ThrowAsync<CertificateChainException>()).Which.Message.Should().Contain(kind == SnpEndorsementKind.Vcek ? "SEV-Milan" : "SEV-VLEK-Milan").And.Contain("revoked");
    }

    [Test]
    public async Task An_expired_CRL_gets_the_evidence_refused()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vcek);
        await using var server = SnpVariantEvidence.Kds(SnpVariantEvidence.VcekCrlPath, evidence.Pki.Crl(SnpTestPki.At.AddDays(-60), SnpTestPki.At.AddDays(-30)));

        var act = async () => await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.Client(server, new MemoryCollateralCache())));

        (await act.Should().ThrowAsync<AttestationFreshnessException>()).Which.Message.Should().Contain("AMD CRL is valid");
    }

    [Test]
    public async Task A_CRL_signed_by_another_key_is_refused_and_not_cached()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vcek);
        using var other = RSA.Create(2048);
        await using var server = SnpVariantEvidence.Kds(SnpVariantEvidence.VcekCrlPath, evidence.Pki.Crl(SnpTestPki.At.AddDays(-1), SnpTestPki.At.AddDays(30), other));
        var cache = new MemoryCollateralCache();

        var act = async () => await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.Client(server, cache)));

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("CRL").And.Contain("pinned ARK");
        cache.Count.Should().Be(0);
    }

    [Test]
    public async Task Offline_with_no_cached_CRL_the_evidence_is_refused_with_collateral_unavailable_naming_the_CRL()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vcek);

        var act = async () => await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.OfflineClient(new MemoryCollateralCache())));

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("offline mode").And.Contain("vcek/v1/Milan/crl");
    }

    [Test]
    public async Task Offline_a_CRL_cached_earlier_is_used()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vcek);
        var cache = new MemoryCollateralCache();
        Uri kdsUri;
        await using (var server = SnpVariantEvidence.Kds(SnpVariantEvidence.VcekCrlPath, evidence.Pki.CurrentCrl(evidence.Signer)))
        {
            kdsUri = server.BaseUri;
            await SnpVariantEvidence.Client(server, cache).GetRevocationListAsync(SnpProductLine.Milan, SnpEndorsementKind.Vcek, evidence.Pki.Ark);
        }

        var act = async () => await evidence.ValidateAsync(evidence.Options(SnpVariantEvidence.OfflineClient(cache, kdsUri)));

        (await act.Should().ThrowAsync<CertificateChainException>()).Which.Message.Should().Contain("SEV-VCEK").And.Contain("revoked");
    }

    [Test]
    public async Task Without_a_KDS_client_no_CRL_can_be_had_so_the_evidence_is_refused()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vlek);

        var act = async () => await evidence.ValidateAsync(evidence.Options(kds: null));

        (await act.Should().ThrowAsync<CollateralUnavailableException>()).Which.Message.Should().Contain("revocation").And.Contain("CheckRevocation");
    }

    [Test]
    public async Task Only_an_explicit_CheckRevocation_false_accepts_the_evidence_without_a_CRL()
    {
        using var evidence = new SnpVariantEvidence(SnpEndorsementKind.Vcek);
        var options = evidence.Options(kds: null);

        var trusted = await evidence.ValidateAsync(new SnpVariantOptions
        {
            MinimumTcb = options.MinimumTcb, TrustedRoots = options.TrustedRoots, VerificationTime = options.VerificationTime, CheckRevocation = false,
        });

        trusted.ToArray().Should().Equal(evidence.Spki);
    }
}
