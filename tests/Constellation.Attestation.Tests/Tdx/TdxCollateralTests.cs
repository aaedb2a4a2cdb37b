using System.Text;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;

namespace Constellation.Attestation.Tests.Tdx;

public sealed class TdxCollateralTests
{
    [Test]
    public void The_real_TCB_info_parses_with_its_dates_fmspc_and_levels()
    {
        var info = TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info.json"));

        info.Fmspc.Should().Be("50806f000000");
        info.IssueDate.Should().Be(new DateTimeOffset(2023, 6, 18, 8, 42, 58, TimeSpan.Zero));
        info.NextUpdate.Should().Be(new DateTimeOffset(2023, 7, 18, 8, 42, 58, TimeSpan.Zero));
        info.TcbLevels.Should().HaveCount(2);
        info.TcbLevels[0].SgxTcbComponents[..8].ToArray().Should().Equal(5, 5, 2, 2, 3, 1, 0, 3);
        Encoding.UTF8.GetString(info.SignedBytes).Should().StartWith("{\"id\":\"TDX\"").And.EndWith("}");
    }

    [Test]
    public void The_real_QE_identity_parses()
    {
        var qe = TdxQeIdentity.Parse(RealTdx.Collateral("qe-identity.json"));

        qe.Id.Should().Be("TD_QE");
        qe.IsvProdId.Should().Be(2);
        qe.MrSigner.ToArray().Should().Equal(Convert.FromHexString("DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5"));
        qe.TcbLevels[0].IsvSvn.Should().Be(4);
        qe.NextUpdate.Should().Be(new DateTimeOffset(2023, 7, 8, 7, 24, 59, TimeSpan.Zero));
    }

    [Test]
    public void The_real_collateral_signatures_verify_over_the_exact_member_bytes_at_the_pinned_time()
    {
        var info = TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info.json"));
        var qe = TdxQeIdentity.Parse(RealTdx.Collateral("qe-identity.json"));
        var rootCrl = Constellation.Attestation.Pki.CertificateRevocationList.Parse(RealTdx.Collateral("root-ca-crl.der"));

        TdxCollateralVerifier.VerifyTcbInfo(info, RealTdx.TcbChain, [RealTdx.Root], RealTdx.V4Pinned, rootCrl, TimeSpan.Zero);
        TdxCollateralVerifier.VerifyQeIdentity(qe, RealTdx.TcbChain, [RealTdx.Root], RealTdx.V4Pinned, rootCrl, TimeSpan.Zero);
    }

    [Test]
    public void The_v5_TCB_info_signature_verifies_with_the_TCB_signing_key()
    {
        var info = TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info-v5-sample.json"));

        TdxCollateralVerifier.SignatureVerifies(info.SignedBytes, info.Signature, RealTdx.TcbChain[0]).Should().BeTrue();
    }

    [Test]
    public void The_v5_TCB_info_is_rejected_in_2026_because_its_TCB_signing_certificate_expired_in_2025()
    {
        var info = TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info-v5-sample.json"));

        var act = () => TdxCollateralVerifier.VerifyTcbInfo(info, RealTdx.TcbChain, [RealTdx.Root], RealTdx.V5Pinned, null, TimeSpan.Zero);

        act.Should().Throw<AttestationFreshnessException>().WithMessage("*Intel SGX TCB Signing*expired*");
    }

    [Test]
    public void Flipping_any_byte_of_the_signed_tcbInfo_member_is_rejected()
    {
        var body = RealTdx.Collateral("tcb-info.json");
        var start = Encoding.ASCII.GetString(body).IndexOf("{\"id\"", StringComparison.Ordinal);
        var end = Encoding.ASCII.GetString(body).LastIndexOf(",\"signature\"", StringComparison.Ordinal);
        var chain = RealTdx.TcbChain;
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> roots = [RealTdx.Root];
        RejectsEveryFlip(body, start, end, b => TdxCollateralVerifier.VerifyTcbInfo(TdxTcbInfo.Parse(b), chain, roots, RealTdx.V4Pinned, null, TimeSpan.Zero));
    }

    [Test]
    public void Flipping_any_byte_of_the_signed_enclaveIdentity_member_is_rejected()
    {
        var body = RealTdx.Collateral("qe-identity.json");
        var start = Encoding.ASCII.GetString(body).IndexOf("{\"id\"", StringComparison.Ordinal);
        var end = Encoding.ASCII.GetString(body).LastIndexOf(",\"signature\"", StringComparison.Ordinal);
        var chain = RealTdx.TcbChain;
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> roots = [RealTdx.Root];
        RejectsEveryFlip(body, start, end, b => TdxCollateralVerifier.VerifyQeIdentity(TdxQeIdentity.Parse(b), chain, roots, RealTdx.V4Pinned, null, TimeSpan.Zero));
    }

    [Test]
    public void Reformatted_but_equivalent_JSON_no_longer_verifies_because_the_exact_bytes_are_signed()
    {
        var text = Encoding.UTF8.GetString(RealTdx.Collateral("qe-identity.json")).Replace("\"version\":2", "\"version\": 2", StringComparison.Ordinal);

        var act = () => TdxCollateralVerifier.VerifyQeIdentity(TdxQeIdentity.Parse(Encoding.UTF8.GetBytes(text)), RealTdx.TcbChain, [RealTdx.Root], RealTdx.V4Pinned, null, TimeSpan.Zero);

        act.Should().Throw<AttestationSignatureException>();
    }

    [Test]
    public void TCB_info_past_its_next_update_is_rejected_and_accepted_within_a_grace_period()
    {
        var info = TdxTcbInfo.Parse(RealTdx.Collateral("tcb-info.json"));
        var late = new DateTimeOffset(2023, 7, 20, 0, 0, 0, TimeSpan.Zero);

        var strict = () => TdxCollateralVerifier.VerifyTcbInfo(info, RealTdx.TcbChain, [RealTdx.Root], late, null, TimeSpan.Zero);
        strict.Should().Throw<AttestationFreshnessException>().WithMessage("TCB info is out of date: nextUpdate 2023-07-18T08:42:58Z*");

        TdxCollateralVerifier.VerifyTcbInfo(info, RealTdx.TcbChain, [RealTdx.Root], late, null, TimeSpan.FromDays(7));
    }

    [Test]
    public void TCB_info_with_a_second_signed_member_or_trailing_data_is_a_format_error()
    {
        var text = Encoding.UTF8.GetString(RealTdx.Collateral("tcb-info.json"));

        var twice = () => TdxTcbInfo.Parse(Encoding.UTF8.GetBytes(text.Insert(1, "\"tcbInfo\":{},")));
        var trailing = () => TdxTcbInfo.Parse(Encoding.UTF8.GetBytes(text + "{}"));

        twice.Should().Throw<AttestationFormatException>();
        trailing.Should().Throw<AttestationFormatException>();
    }

    [Test]
    public void A_collateral_directory_loads_every_part()
    {
        var c = RealTdx.LoadCollateral();

        c.TcbInfo.Should().NotBeNull();
        c.QeIdentity.Should().NotBeNull();
        c.TcbInfoIssuerChain.Should().HaveCount(2);
        c.QeIdentityIssuerChain.Should().HaveCount(2);
        c.PckCrl!.Issuer.Name.Should().Contain("Platform CA");
        c.RootCaCrl!.Issuer.Name.Should().Contain("Root CA");
    }

    private static void RejectsEveryFlip(byte[] body, int start, int end, Action<byte[]> verify)
    {
        start.Should().BePositive();
        verify(body);
        for (var i = start; i < end; i++)
        {
            var bytes = (byte[])body.Clone();
            bytes[i] ^= 0x01;
            var act = () => verify(bytes);

            // A flip may break the JSON (format error) or change a value (signature error); either way: rejected.
            act.Should().Throw<AttestationException>($"byte {i} of the signed member was flipped")
                .Which.Should().Match<AttestationException>(e => e is AttestationSignatureException || e is AttestationFormatException);
        }
    }
}
