using System.Text;
using Constellation.Attestation.Pki;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Pki;

public sealed class PemCertificatesTests
{
    private static byte[] TwoCerts => TestData.EvidenceBytes("tdx/collateral/tcb-info-issuer-chain.pem");

    [Test]
    public void Concatenated_PEM_certificates_parse_in_order()
    {
        var chain = PemCertificates.ParseChain(TwoCerts, 2, "TCB info issuer chain");

        chain[0].Subject.Should().Contain("Intel SGX TCB Signing");
        chain[1].Subject.Should().Contain("Intel SGX Root CA");
    }

    [Test]
    public void One_trailing_NUL_byte_is_tolerated()
    {
        PemCertificates.ParseChain([.. TwoCerts, 0], 2, "chain").Should().HaveCount(2);
    }

    [Test]
    public void Two_trailing_NUL_bytes_are_rejected()
    {
        var act = () => PemCertificates.ParseChain([.. TwoCerts, 0, 0], 2, "chain");

        act.Should().Throw<AttestationFormatException>();
    }

    [Test]
    public void A_wrong_certificate_count_is_rejected_with_both_counts()
    {
        var act = () => PemCertificates.ParseChain(TwoCerts, 3, "PCK certificate chain");

        act.Should().Throw<AttestationFormatException>().WithMessage("PCK certificate chain: expected 3 certificates, got 2");
    }

    [Test]
    public void Stray_text_between_certificates_is_rejected()
    {
        var text = Encoding.ASCII.GetString(TwoCerts);
        var split = text.IndexOf("-----BEGIN", 10, StringComparison.Ordinal);
        var tampered = Encoding.ASCII.GetBytes(text[..split] + "junk\n" + text[split..]);

        var act = () => PemCertificates.ParseChain(tampered, 2, "chain");

        act.Should().Throw<AttestationFormatException>().WithMessage("*unexpected data*");
    }

    [Test]
    public void A_non_certificate_PEM_block_is_rejected()
    {
        var pem = Encoding.ASCII.GetBytes("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

        var act = () => PemCertificates.ParseChain(pem, null, "chain");

        act.Should().Throw<AttestationFormatException>().WithMessage("*label*");
    }
}
