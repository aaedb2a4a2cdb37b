using System.Security.Cryptography;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>
/// Revocation in <see cref="SnpReportVerifier"/>: the ARK-signed AMD CRL must be supplied (unless revocation checking
/// is explicitly off), signed by the pinned ARK, current at the verification time, and list neither the ASK/ASVK nor
/// the VCEK/VLEK.
/// </summary>
public class SnpRevocationTests
{
    private static (SnpReport Report, SnpEvidenceCertificates Chain) Evidence(SnpTestPki pki)
    {
        var (report, signer) = pki.SignedReport();
        return (SnpReport.Parse(report), new SnpEvidenceCertificates(signer, pki.Intermediate));
    }

    [Test]
    public void A_current_CRL_that_lists_neither_certificate_is_accepted()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);

        pki.Verifier().Verify(report, chain with { RevocationList = SnpRevocationList.Parse(pki.CurrentCrl()) }).Failures.Should().BeEmpty();
    }

    [Test]
    public void Without_a_CRL_the_report_is_refused_because_revocation_is_checked_by_default()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);

        var result = pki.Verifier().Verify(report, chain);

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<CollateralUnavailableException>()
            .Which.Message.Should().Contain("revocation").And.Contain("no AMD CRL").And.Contain("SEV-Milan").And.Contain("CheckRevocation");
    }

    private static IEnumerable<TestCaseData> Kinds()
    {
        yield return new TestCaseData(SnpEndorsementKind.Vcek, "SEV-Milan", "SEV-VCEK").SetArgDisplayNames("VCEK chain");
        yield return new TestCaseData(SnpEndorsementKind.Vlek, "SEV-VLEK-Milan", "SEV-VLEK").SetArgDisplayNames("VLEK chain");
    }

    [TestCaseSource(nameof(Kinds))]
    public void A_CRL_listing_the_ASK_or_ASVK_gets_the_report_rejected_as_revoked(SnpEndorsementKind kind, string intermediate, string signer)
    {
        using var pki = SnpTestPki.Create(kind: kind);
        var (report, chain) = Evidence(pki);

        var result = pki.Verifier().Verify(report, chain with { RevocationList = SnpRevocationList.Parse(pki.CurrentCrl(pki.Intermediate)) });

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<CertificateChainException>()
            .Which.Message.Should().StartWith(intermediate + " ").And.Contain("serial 1001").And.Contain("revoked");
    }

    [TestCaseSource(nameof(Kinds))]
    public void A_CRL_listing_the_VCEK_or_VLEK_serial_gets_the_report_rejected_as_revoked(SnpEndorsementKind kind, string intermediate, string signer)
    {
        using var pki = SnpTestPki.Create(kind: kind);
        var (report, chain) = Evidence(pki);

        var result = pki.Verifier().Verify(report, chain with { RevocationList = SnpRevocationList.Parse(pki.CurrentCrl(chain.Signer)) });

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<CertificateChainException>()
            .Which.Message.Should().StartWith(signer + " ").And.Contain("serial 2002").And.Contain("revoked").And.NotContain(intermediate);
    }

    [Test]
    public void A_CRL_not_signed_by_the_pinned_ARK_is_rejected()
    {
        using var pki = SnpTestPki.Create();
        using var other = RSA.Create(2048);
        var (report, chain) = Evidence(pki);
        var crl = SnpRevocationList.Parse(pki.Crl(SnpTestPki.At.AddDays(-1), SnpTestPki.At.AddDays(30), other));

        var result = pki.Verifier().Verify(report, chain with { RevocationList = crl });

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("CRL signature does not verify");
    }

    [Test]
    public void A_CRL_issued_by_another_ARK_is_rejected_even_if_it_lists_nothing()
    {
        using var pki = SnpTestPki.Create();
        using var genoa = SnpTestPki.Create(SnpProductLine.Genoa);
        var (report, chain) = Evidence(pki);

        var result = pki.Verifier().Verify(report, chain with { RevocationList = SnpRevocationList.Parse(genoa.CurrentCrl()) });

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<CertificateChainException>().Which.Message.Should().Contain("is not the ARK");
    }

    [Test]
    public void An_outdated_CRL_is_a_freshness_failure()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);
        var crl = SnpRevocationList.Parse(pki.Crl(SnpTestPki.At.AddDays(-60), SnpTestPki.At.AddDays(-30)));

        var result = pki.Verifier().Verify(report, chain with { RevocationList = crl });

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationFreshnessException>();
    }

    [Test]
    public void A_CRL_without_nextUpdate_is_refused_because_it_could_never_become_stale()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);
        var crl = SnpRevocationList.Parse(pki.CrlWithoutNextUpdate(SnpTestPki.At.AddDays(-1)));
        crl.NextUpdate.Should().BeNull();

        var result = pki.Verifier().Verify(report, chain with { RevocationList = crl });

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationFreshnessException>().Which.Message.Should().Contain("no nextUpdate");
    }

    [Test]
    public void A_CRL_issued_after_the_verification_time_is_a_freshness_failure()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);
        var crl = SnpRevocationList.Parse(pki.Crl(SnpTestPki.At.AddDays(1), SnpTestPki.At.AddDays(30)));

        var result = pki.Verifier().Verify(report, chain with { RevocationList = crl });

        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationFreshnessException>().Which.Message.Should().Contain("AMD CRL is valid");
    }
}
