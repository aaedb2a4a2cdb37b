using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Tpm.Verify;

/// <summary>
/// The family-level AK certificate trust on the real GCE vector: AK certificate → tpm_ek_intermediate_2 → tpm_ek_root_1
/// (testdata/MANIFEST.md), certifying the attestation's ak_pub.
/// </summary>
public class AkCertificateChainTests
{
    private static readonly DateTimeOffset Pinned = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Der(string name) => X509CertificateLoader.LoadCertificate(TestData.EvidenceBytes("vtpm/" + name));

    private static X509Certificate2 Intermediate => Der("gotpmtools-tpm_ek_intermediate_2.der");

    private static X509Certificate2 Root => Der("gotpmtools-tpm_ek_root_1.der");

    [Test]
    public void The_GCE_AK_certificate_chains_to_the_pinned_GCE_root_and_certifies_the_documents_AK()
    {
        using var ak = AkCertificate.Parse(GceVector.AkCertificate);

        var chain = AkCertificateChain.Verify(ak, [Intermediate], [Root], Pinned);

        chain.Chain.Certificates.Should().HaveCount(3);
        chain.Chain.Root.RawData.Should().Equal(Root.RawData);
        chain.AkCertificate.RawData.Should().Equal(GceVector.AkCertificate);
        chain.Certifies(TpmPublic.Parse(GceVector.AkPublic)).Should().BeTrue();
        TpmQuoteVerifier.KeyEquals(TpmPublic.Parse(GceVector.AkPublic), ak.ExportSubjectPublicKeyInfo()).Should().BeTrue();
    }

    [Test]
    public void An_AK_certificate_does_not_certify_another_key()
    {
        using var ak = AkCertificate.Parse(GceVector.AkCertificate);
        var chain = AkCertificateChain.Verify(ak, [Intermediate], [Root], Pinned);

        using var stranger = System.Security.Cryptography.RSA.Create(2048);
        var strangerAk = TpmPublic.CreateRsa(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha256, 2048, 0, stranger.ExportParameters(false).Modulus);

        chain.Certifies(strangerAk).Should().BeFalse();
    }

    [Test]
    public void Another_root_is_not_trusted_for_the_GCE_AK_certificate()
    {
        using var ak = AkCertificate.Parse(GceVector.AkCertificate);

        var act = () => AkCertificateChain.Verify(ak, [Intermediate], [Der("gotpmtools-gcp_ek_ak_ca_root.der")], Pinned);

        act.Should().Throw<CertificateChainException>();
    }

    [Test]
    public void Without_its_intermediate_the_AK_certificate_does_not_reach_the_root()
    {
        using var ak = AkCertificate.Parse(GceVector.AkCertificate);

        var act = () => AkCertificateChain.Verify(ak, [], [Root], Pinned);

        act.Should().Throw<CertificateChainException>().WithMessage("*not a pinned root*");
    }

    [Test]
    public void After_the_AK_certificate_expired_the_chain_is_not_fresh()
    {
        using var ak = AkCertificate.Parse(GceVector.AkCertificate);

        var act = () => AkCertificateChain.Verify(ak, [Intermediate], [Root], new DateTimeOffset(2052, 1, 1, 0, 0, 0, TimeSpan.Zero));

        act.Should().Throw<AttestationFreshnessException>();
    }

    [Test]
    public void Bytes_that_are_not_a_certificate_are_a_format_error_naming_the_field()
    {
        var act = () => AkCertificate.Parse([0x30, 0x03, 0x02, 0x01, 0x00], "Azure instance info.AkCert");

        act.Should().Throw<AttestationFormatException>().WithMessage("Azure instance info.AkCert: expected a DER certificate*");
    }
}
