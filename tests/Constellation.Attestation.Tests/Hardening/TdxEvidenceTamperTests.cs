using System.Security.Cryptography.X509Certificates;
using System.Text;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tests.Tdx;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Tamper sweeps over the certificates and CRLs of the real TDX evidence. The quote's signed header+body, the QE report
/// and the signed collateral JSON members are swept by <see cref="TdxQuoteSignatureTests"/> and
/// <see cref="TdxCollateralTests"/>; here every DER byte of every certificate in the quote's PCK chain, in the collateral
/// issuer chains and of both CRLs is flipped.
/// </summary>
public sealed class TdxEvidenceTamperTests
{
    public sealed record Vector(string Name, byte[] Quote, Func<TdxCollateral> Collateral, DateTimeOffset At)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<TestCaseData> QuoteCertificates()
    {
        foreach (var vector in new[]
                 {
                     new Vector("spr-e4-v4", RealTdx.V4Bytes, RealTdx.LoadCollateral, RealTdx.V4Pinned),
                     new Vector("sample-v5", RealTdx.V5Bytes, () => new TdxCollateral(), RealTdx.V5Pinned),
                 })
        {
            foreach (var (index, name) in new[] { (0, "PCK"), (1, "PCK-Platform-CA"), (2, "Root-CA") })
            {
                yield return new TestCaseData(vector, index).SetArgDisplayNames(vector.Name, name);
            }
        }
    }

    [TestCaseSource(nameof(QuoteCertificates))]
    public void Flipping_any_DER_byte_of_a_certificate_in_the_quotes_PCK_chain_is_rejected_with_a_typed_error(Vector vector, int index)
    {
        var collateral = vector.Collateral();
        var intel = new TdxQuoteVerifier(TdxQuoteChecks.At(vector.At, signaturesOnly: true));
        intel.VerifyAndValidate(TdxQuote.Parse(vector.Quote), collateral, TdxValidationOptions.SignaturesOnly).Should().NotBeNull("the untampered quote is the baseline");
        var quote = TdxQuote.Parse(vector.Quote);
        var pemOffset = PemOffset(vector.Quote, quote);
        var pem = Encoding.ASCII.GetString(quote.PckCertificateChainPem);
        var der = Pem.DerBlocks(pem)[index];

        var outcome = TamperSweep.Flip<AttestationException>(der, 0, der.Length, tampered =>
        {
            var bytes = (byte[])vector.Quote.Clone();
            Encoding.ASCII.GetBytes(Pem.ReplaceBlockInPlace(pem, index, tampered)).CopyTo(bytes, pemOffset);
            intel.VerifyAndValidate(TdxQuote.Parse(bytes), collateral, TdxValidationOptions.SignaturesOnly);
        });

        outcome.ShouldRejectEverything($"{vector.Name} PCK chain certificate {index}");
    }

    private static IEnumerable<TestCaseData> CollateralChains()
    {
        yield return new TestCaseData("tcb-info", 0).SetArgDisplayNames("tcb-info", "TCB-Signing");
        yield return new TestCaseData("tcb-info", 1).SetArgDisplayNames("tcb-info", "Root-CA");
        yield return new TestCaseData("qe-identity", 0).SetArgDisplayNames("qe-identity", "TCB-Signing");
        yield return new TestCaseData("qe-identity", 1).SetArgDisplayNames("qe-identity", "Root-CA");
    }

    [TestCaseSource(nameof(CollateralChains))]
    public void Flipping_any_DER_byte_of_a_collateral_issuer_chain_certificate_is_rejected_with_a_typed_error(string collateral, int index)
    {
        var pem = Encoding.ASCII.GetString(RealTdx.Collateral(collateral + "-issuer-chain.pem"));
        var body = RealTdx.Collateral(collateral + ".json");
        IReadOnlyList<X509Certificate2> roots = [RealTdx.Root];
        void Verify(string chainPem)
        {
            var chain = PemCertificates.ParseChain(Encoding.ASCII.GetBytes(chainPem), 2, collateral + " issuer chain");
            if (collateral == "tcb-info")
            {
                TdxCollateralVerifier.VerifyTcbInfo(TdxTcbInfo.Parse(body), chain, roots, RealTdx.V4Pinned, null, TimeSpan.Zero);
            }
            else
            {
                TdxCollateralVerifier.VerifyQeIdentity(TdxQeIdentity.Parse(body), chain, roots, RealTdx.V4Pinned, null, TimeSpan.Zero);
            }
        }

        Verify(pem);
        var der = Pem.DerBlocks(pem)[index];

        var outcome = TamperSweep.Flip<AttestationException>(der, 0, der.Length, tampered => Verify(Pem.ReplaceBlockInPlace(pem, index, tampered)));

        outcome.ShouldRejectEverything($"{collateral} issuer chain certificate {index}");
    }

    [TestCase("pck-crl.der")]
    [TestCase("root-ca-crl.der")]
    public void Flipping_any_byte_of_a_CRL_gets_the_quote_rejected_with_a_typed_error(string file)
    {
        var quote = RealTdx.V4;
        var collateral = RealTdx.LoadCollateral();
        var intel = new TdxQuoteVerifier(TdxQuoteChecks.At(RealTdx.V4Pinned, signaturesOnly: true));
        intel.VerifyAndValidate(quote, collateral, TdxValidationOptions.SignaturesOnly).Verification.PckChain.RevocationChecked.Should().BeTrue();
        var crl = RealTdx.Collateral(file);

        var outcome = TamperSweep.Flip<AttestationException>(crl, 0, crl.Length, tampered =>
        {
            var parsed = CertificateRevocationList.Parse(tampered);
            var changed = new TdxCollateral
            {
                TcbInfo = collateral.TcbInfo,
                TcbInfoIssuerChain = collateral.TcbInfoIssuerChain,
                QeIdentity = collateral.QeIdentity,
                QeIdentityIssuerChain = collateral.QeIdentityIssuerChain,
                PckCrl = file == "pck-crl.der" ? parsed : collateral.PckCrl,
                RootCaCrl = file == "pck-crl.der" ? collateral.RootCaCrl : parsed,
            };
            intel.VerifyAndValidate(quote, changed, TdxValidationOptions.SignaturesOnly);
        });

        outcome.ShouldRejectEverything(file);
    }

    private static int PemOffset(byte[] raw, TdxQuote quote)
    {
        var pem = quote.PckCertificateChainPem.ToArray();
        var offset = raw.AsSpan().IndexOf(pem);
        offset.Should().BePositive();
        return offset;
    }
}
