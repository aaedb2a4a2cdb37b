using System.Security.Cryptography;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Tests.Snp;

/// <summary>Behaviours the real vectors cannot exercise (hwID, DER quirks, Turin; CRLs and masked chip IDs have their own fixtures), on a self-made AMD-shaped PKI.</summary>
public class SnpSyntheticChainTests
{
    private static (byte[] Report, SnpEvidenceCertificates Chain) Evidence(SnpTestPki pki, Action<Dictionary<string, byte[]>>? editExtensions = null, byte[]? reportChipId = null)
    {
        var (report, signer) = pki.SignedReport(editExtensions: editExtensions, reportChipId: reportChipId);
        return (report, new SnpEvidenceCertificates(signer, pki.Intermediate, SnpRevocationList.Parse(pki.CurrentCrl())));
    }

    [Test]
    public void A_report_from_a_self_made_chain_verifies_when_its_ARK_is_the_pinned_root()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);

        pki.Verifier().Verify(SnpReport.Parse(report), chain).Failures.Should().BeEmpty();
    }

    [Test]
    public void A_self_made_chain_is_rejected_against_the_real_pinned_ARK_even_though_the_names_match()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki);

        var result = SnpVectors.VerifierAt(SnpTestPki.At).Verify(SnpReport.Parse(report), chain);

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("not by the pinned ARK-Milan");
    }

    [Test]
    public void A_VCEK_whose_hwID_differs_from_the_CHIP_ID_is_rejected()
    {
        using var pki = SnpTestPki.Create();
        var otherChip = SnpTestPki.ChipId.Reverse().ToArray();
        var (report, chain) = Evidence(pki, reportChipId: otherChip);

        var result = pki.Verifier().Verify(SnpReport.Parse(report), chain);

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("hwID does not match CHIP_ID");
    }

    [Test]
    public void A_VCEK_issued_for_another_TCB_is_rejected_naming_the_component()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki, e => e["3.3"] = SnpTestPki.DerInteger(7));

        var result = pki.Verifier().Verify(SnpReport.Parse(report), chain);

        result.Failures.Should().ContainSingle().Which.Message.Should().Contain("snpSPL does not match REPORTED_TCB").And.Contain("expected DER 020108, got 020107");
    }

    [Test]
    public void An_SPL_value_of_128_or_more_must_carry_its_DER_leading_zero()
    {
        using var pki = SnpTestPki.Create();
        var (good, goodChain) = Evidence(pki);
        pki.Verifier().Verify(SnpReport.Parse(good), goodChain).Failures.Should().BeEmpty("ucodeSPL 0xd9 is encoded 02 02 00 d9 as KDS does");

        var act = () => Evidence(pki, e => e["3.8"] = [0x02, 0x01, 0xd9]);
        var (bad, badChain) = act();

        pki.Verifier().Verify(SnpReport.Parse(bad), badChain).Failures.Should().ContainSingle().Which.Should().BeOfType<CertificateChainException>();
    }

    [Test]
    public void A_non_minimal_DER_INTEGER_in_an_SPL_extension_is_rejected()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki, e => e["3.1"] = [0x02, 0x02, 0x00, 0x03]);

        pki.Verifier().Verify(SnpReport.Parse(report), chain).Failures.Should().ContainSingle().Which.Should().BeOfType<CertificateChainException>();
    }

    [Test]
    public void A_hwID_wrapped_in_an_OCTET_STRING_is_rejected_because_KDS_stores_it_bare()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki, e => e["4"] = [0x04, 0x40, .. SnpTestPki.ChipId]);

        pki.Verifier().Verify(SnpReport.Parse(report), chain).Failures.Should().ContainSingle().Which.Message.Should().Contain("hwID must be 64 raw bytes");
    }

    [Test]
    public void A_certificate_with_both_hwID_and_csp_id_is_rejected()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki, e => e["5"] = SnpTestPki.Ia5("CN=csp"));

        pki.Verifier().Verify(SnpReport.Parse(report), chain).Failures.Should().ContainSingle().Which.Message.Should().Contain("has both");
    }

    [Test]
    public void A_certificate_with_an_unknown_extension_is_rejected()
    {
        using var pki = SnpTestPki.Create();
        var (report, chain) = Evidence(pki, e => e["3.99"] = SnpTestPki.DerInteger(1));

        pki.Verifier().Verify(SnpReport.Parse(report), chain).Failures.Should().ContainSingle().Which.Message.Should().Contain("unexpected extension");
    }

    [Test]
    public void A_self_made_VLEK_chain_verifies_and_is_bound_to_the_ASVK()
    {
        using var pki = SnpTestPki.Create(kind: SnpEndorsementKind.Vlek);
        var (report, chain) = Evidence(pki);

        pki.Verifier().Verify(SnpReport.Parse(report), chain).Failures.Should().BeEmpty();
    }

    [Test]
    public void The_real_Turin_VCEK_with_its_bare_product_name_and_8_byte_hwID_chains_to_ARK_Turin()
    {
        var endorsement = SnpEndorsementCertificate.FromCertificate(SnpVectors.TurinVcek);
        endorsement.ProductName.Should().Be("Turin");
        endorsement.HardwareId.Length.Should().Be(8);
        endorsement.StructVersion.Should().Be(1);
        var tcb = endorsement.GetTcb(SnpProductLine.Turin);
        var chipId = new byte[64];
        endorsement.HardwareId.CopyTo(chipId);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var report = SnpTestPki.Report(SnpProductLine.Turin, SnpSigningKey.Vcek, tcb.Raw, chipId, otherKey);

        var result = SnpVectors.VerifierAt(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero))
            .Verify(SnpReport.Parse(report), new SnpEvidenceCertificates(SnpVectors.TurinVcek, SnpVectors.TurinAsk));

        // Chain, names and extensions are accepted; only the signature (made with a stand-in key) fails.
        result.ProductLine.Should().Be(SnpProductLine.Turin);
        result.Failures.Should().ContainSingle().Which.Should().BeOfType<AttestationSignatureException>();
    }
}
