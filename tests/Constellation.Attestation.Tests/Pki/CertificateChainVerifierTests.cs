using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Pki;

public sealed class CertificateChainVerifierTests
{
    private static readonly DateTimeOffset IntelPinned = new(2023, 6, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset At = TestPki.Start.AddDays(1);

    private static X509Certificate2 IntelRoot => X509Certificate2.CreateFromPem(File.ReadAllText(TestData.Evidence("tdx/intel-sgx-root-ca.pem")));

    private static IReadOnlyList<X509Certificate2> PlatformCaChain =>
        PemCertificates.ParseChain(TestData.EvidenceBytes("tdx/collateral/pck-crl-issuer-chain.pem"), 2, "chain");

    private static CertificateChainPolicy Policy(X509Certificate2 root, DateTimeOffset at, bool require, params byte[][] crls) =>
        new()
        {
            TrustedRoots = [root],
            VerificationTime = at,
            RevocationLists = crls.Select(c => CertificateRevocationList.Parse(c)).ToArray(),
            RequireRevocationLists = require,
        };

    [Test]
    public void The_real_Intel_platform_CA_chain_verifies_to_the_pinned_root_with_the_root_CRL()
    {
        var verified = CertificateChainVerifier.Verify(
            PlatformCaChain, Policy(IntelRoot, IntelPinned, true, TestData.EvidenceBytes("tdx/collateral/root-ca-crl.der")));

        verified.Root.RawData.Should().Equal(IntelRoot.RawData);
        verified.Leaf.Subject.Should().Contain("Intel SGX PCK Platform CA");
        verified.RevocationChecked.Should().BeTrue();
        CertificateChainVerifier.Sha256Fingerprint(verified.Root)
            .Should().Be("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
    }

    [Test]
    public void A_chain_without_its_root_is_completed_with_the_pinned_root()
    {
        var verified = CertificateChainVerifier.Verify([PlatformCaChain[0]], Policy(IntelRoot, IntelPinned, false));

        verified.Certificates.Should().HaveCount(2);
        verified.RevocationChecked.Should().BeFalse();
    }

    [Test]
    public void A_generated_chain_verifies_and_reports_no_revocation_check_without_CRLs()
    {
        using var pki = TestPki.Create();

        var verified = CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, false));

        verified.Leaf.RawData.Should().Equal(pki.Leaf.RawData);
        verified.RevocationChecked.Should().BeFalse();
    }

    [Test]
    public void A_chain_ending_in_a_lookalike_root_with_the_same_name_is_rejected()
    {
        using var real = TestPki.Create();
        using var fake = TestPki.Create();

        var act = () => CertificateChainVerifier.Verify(fake.Chain, Policy(real.Root, At, false));

        act.Should().Throw<CertificateChainException>().WithMessage("*is not a pinned root*");
    }

    [Test]
    public void A_leaf_signed_by_another_intermediate_with_the_same_name_is_rejected()
    {
        using var pki = TestPki.Create();
        using var other = TestPki.Create();

        var act = () => CertificateChainVerifier.Verify([other.Leaf, pki.Intermediate, pki.Root], Policy(pki.Root, At, false));

        act.Should().Throw<CertificateChainException>();
    }

    [Test]
    public void A_chain_in_the_wrong_order_is_rejected()
    {
        using var pki = TestPki.Create();

        var act = () => CertificateChainVerifier.Verify([pki.Intermediate, pki.Leaf, pki.Root], Policy(pki.Root, At, false));

        act.Should().Throw<CertificateChainException>().WithMessage("*issuer expected*");
    }

    [Test]
    public void An_expired_leaf_is_a_freshness_error_naming_the_certificate_and_its_window()
    {
        using var pki = TestPki.Create(leafNotAfter: TestPki.Start.AddDays(10));

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, TestPki.Start.AddDays(11), false));

        act.Should().Throw<AttestationFreshnessException>().WithMessage("certificate \"CN=Test Leaf\" is expired*2024-01-11T00:00:00Z*");
    }

    [Test]
    public void The_real_Intel_chain_is_expired_after_the_platform_CA_lapses()
    {
        var act = () => CertificateChainVerifier.Verify(PlatformCaChain, Policy(IntelRoot, new DateTimeOffset(2034, 1, 1, 0, 0, 0, TimeSpan.Zero), false));

        act.Should().Throw<AttestationFreshnessException>().WithMessage("*Intel SGX PCK Platform CA*expired*");
    }

    [Test]
    public void A_leaf_listed_in_a_CRL_signed_by_its_issuer_is_rejected_as_revoked()
    {
        using var pki = TestPki.Create();
        var crl = TestPki.MakeCrl(pki.Intermediate, TestPki.Start, TestPki.Start.AddDays(30), pki.Leaf);

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, false, crl));

        act.Should().Throw<CertificateChainException>().WithMessage($"*CN=Test Leaf*(serial {pki.Leaf.SerialNumber}) is revoked*");
    }

    [Test]
    public void An_intermediate_listed_in_the_root_CRL_is_rejected_as_revoked()
    {
        using var pki = TestPki.Create();
        var rootCrl = TestPki.MakeCrl(pki.Root, TestPki.Start, TestPki.Start.AddDays(30), pki.Intermediate);
        var leafCrl = TestPki.MakeCrl(pki.Intermediate, TestPki.Start, TestPki.Start.AddDays(30));

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, true, leafCrl, rootCrl));

        act.Should().Throw<CertificateChainException>().WithMessage("*Test Intermediate CA*is revoked*");
    }

    [Test]
    public void Empty_CRLs_from_both_issuers_make_a_fully_revocation_checked_chain()
    {
        using var pki = TestPki.Create();
        var rootCrl = TestPki.MakeCrl(pki.Root, TestPki.Start, TestPki.Start.AddDays(30));
        var leafCrl = TestPki.MakeCrl(pki.Intermediate, TestPki.Start, TestPki.Start.AddDays(30));

        var verified = CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, true, leafCrl, rootCrl));

        verified.RevocationChecked.Should().BeTrue();
    }

    [Test]
    public void A_CRL_with_the_issuer_name_but_signed_by_another_key_is_rejected()
    {
        using var pki = TestPki.Create();
        using var other = TestPki.Create();
        var forged = TestPki.MakeCrl(other.Intermediate, TestPki.Start, TestPki.Start.AddDays(30));

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, false, forged));

        act.Should().Throw<CertificateChainException>().WithMessage("*signature does not verify*");
    }

    [Test]
    public void A_CRL_past_its_next_update_is_a_freshness_error()
    {
        using var pki = TestPki.Create();
        var stale = TestPki.MakeCrl(pki.Intermediate, TestPki.Start, TestPki.Start.AddDays(30));

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, TestPki.Start.AddDays(31), false, stale));

        act.Should().Throw<AttestationFreshnessException>().WithMessage("*nextUpdate*");
    }

    [Test]
    public void A_CRL_from_an_issuer_outside_the_chain_is_rejected_rather_than_ignored()
    {
        using var pki = TestPki.Create();
        using var unrelated = TestPki.Create(intermediateName: "CN=Unrelated CA");
        var crl = TestPki.MakeCrl(unrelated.Intermediate, TestPki.Start, TestPki.Start.AddDays(30));

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, false, crl));

        act.Should().Throw<CertificateChainException>().WithMessage("*covers no certificate*");
    }

    [Test]
    public void A_missing_CRL_is_reported_when_revocation_lists_are_required()
    {
        using var pki = TestPki.Create();
        var leafCrl = TestPki.MakeCrl(pki.Intermediate, TestPki.Start, TestPki.Start.AddDays(30));

        var act = () => CertificateChainVerifier.Verify(pki.Chain, Policy(pki.Root, At, true, leafCrl));

        act.Should().Throw<CollateralUnavailableException>().WithMessage("*no CRL issued by \"CN=Test Root CA\"*");
    }
}
