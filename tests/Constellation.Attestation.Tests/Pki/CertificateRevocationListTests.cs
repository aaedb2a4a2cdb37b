using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Pki;

public sealed class CertificateRevocationListTests
{
    private static X509Certificate2 IntelRoot => X509Certificate2.CreateFromPem(File.ReadAllText(TestData.Evidence("tdx/intel-sgx-root-ca.pem")));

    private static X509Certificate2 PlatformCa =>
        PemCertificates.ParseChain(TestData.EvidenceBytes("tdx/collateral/pck-crl-issuer-chain.pem"), 2, "chain")[0];

    [Test]
    public void The_real_Intel_PCK_CRL_parses_with_its_issuer_dates_and_revoked_serials()
    {
        var crl = CertificateRevocationList.Parse(TestData.EvidenceBytes("tdx/collateral/pck-crl.der"));

        crl.Issuer.Name.Should().Contain("CN=Intel SGX PCK Platform CA");
        crl.ThisUpdate.Should().Be(new DateTimeOffset(2023, 6, 8, 7, 27, 52, TimeSpan.Zero));
        crl.NextUpdate.Should().Be(new DateTimeOffset(2023, 7, 8, 7, 27, 52, TimeSpan.Zero));
        crl.RevokedSerialNumbers.Should().Contain("6FC34E5023E728923435D61AA4B83C618166AD35");
    }

    [Test]
    public void The_real_Intel_CRLs_are_signed_by_their_issuers_and_not_by_each_other()
    {
        var pckCrl = CertificateRevocationList.Parse(TestData.EvidenceBytes("tdx/collateral/pck-crl.der"));
        var rootCrl = CertificateRevocationList.Parse(TestData.EvidenceBytes("tdx/collateral/root-ca-crl.der"));

        pckCrl.IsIssuedBy(PlatformCa).Should().BeTrue();
        rootCrl.IsIssuedBy(IntelRoot).Should().BeTrue();
        pckCrl.IsIssuedBy(IntelRoot).Should().BeFalse();
        rootCrl.IsIssuedBy(PlatformCa).Should().BeFalse();
        rootCrl.RevokedSerialNumbers.Should().BeEmpty();
    }

    [Test]
    public void A_PEM_CRL_parses_to_the_same_contents_as_its_DER()
    {
        var der = TestData.EvidenceBytes("tdx/collateral/root-ca-crl.der");
        var pem = System.Text.Encoding.ASCII.GetBytes(System.Security.Cryptography.PemEncoding.WriteString("X509 CRL", der) + "\n");

        var crl = CertificateRevocationList.Parse(pem);

        crl.RawData.ToArray().Should().Equal(der);
    }

    [Test]
    public void A_CRL_with_trailing_bytes_is_a_format_error()
    {
        var der = TestData.EvidenceBytes("tdx/collateral/root-ca-crl.der").Append((byte)0).ToArray();

        var act = () => CertificateRevocationList.Parse(der);

        act.Should().Throw<AttestationFormatException>().WithMessage("*trailing*");
    }

    [Test]
    public void Garbage_is_a_format_error_not_a_crash()
    {
        var act = () => CertificateRevocationList.Parse(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 });

        act.Should().Throw<AttestationFormatException>();
    }

    [Test]
    public void A_tampered_CRL_no_longer_verifies_with_its_issuer()
    {
        using var pki = TestPki.Create();
        var der = TestPki.MakeCrl(pki.Intermediate, TestPki.Start, TestPki.Start.AddDays(30), pki.Leaf);
        var crl = CertificateRevocationList.Parse(der);
        crl.IsIssuedBy(pki.Intermediate).Should().BeTrue();
        crl.IsRevoked(pki.Leaf).Should().BeTrue();

        // Flip a byte inside the revoked serial number (signed TBS region).
        var serial = pki.Leaf.SerialNumberBytes.ToArray();
        var at = der.AsSpan().IndexOf(serial);
        at.Should().BePositive();
        der[at + 3] ^= 0x01;

        CertificateRevocationList.Parse(der).IsIssuedBy(pki.Intermediate).Should().BeFalse();
    }

    [Test]
    public void A_CRL_past_its_next_update_is_not_current()
    {
        var crl = CertificateRevocationList.Parse(TestData.EvidenceBytes("tdx/collateral/pck-crl.der"));

        crl.EnsureCurrent(new DateTimeOffset(2023, 6, 20, 0, 0, 0, TimeSpan.Zero), "PCK CRL");
        var act = () => crl.EnsureCurrent(new DateTimeOffset(2023, 7, 9, 0, 0, 0, TimeSpan.Zero), "PCK CRL");

        act.Should().Throw<AttestationFreshnessException>().WithMessage("PCK CRL: expired: nextUpdate 2023-07-08T07:27:52Z*");
    }
}
