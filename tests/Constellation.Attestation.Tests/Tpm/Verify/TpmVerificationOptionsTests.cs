using System.Security.Cryptography;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tests.Tpm.Verify;

/// <summary>
/// <see cref="TpmVerificationOptions"/>: the defaults are go-tpm-tools' signature rules, and options only narrow them
/// (signature hashes, ECC curves, RSA modulus size); anything wider is refused when the verifier is made.
/// </summary>
public class TpmVerificationOptionsTests
{
    private static readonly TpmPublic GceAk = TpmPublic.Parse(GceVector.AkPublic);

    /// <summary>An ECDSA AK on <paramref name="curve"/> and a SHA-256 bank quote it signed (SHA-256 signature hash).</summary>
    private static (TpmPublic Ak, TpmQuote Quote) EccQuote(ECCurve curve, TpmEccCurve tpmCurve, TpmAlgorithm schemeHash, HashAlgorithmName hash)
    {
        using var key = ECDsa.Create(curve);
        var p = key.ExportParameters(false);
        var ak = TpmPublic.CreateEcc(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.Ecdsa, schemeHash, tpmCurve, p.Q.X, p.Q.Y);
        var pcrs = Enumerable.Range(0, 24).ToDictionary(i => i, i => SHA256.HashData(BitConverter.GetBytes(i)));
        var attest = new TpmAttest(ak.ComputeQualifiedName([0x40, 0, 0, 1]), new byte[32], 1, 1, 0, true, 1,
            [TpmPcrSelection.All(TpmAlgorithm.Sha256)], TpmQuoteVerifier.ComputePcrDigest(schemeHash, pcrs));
        var signature = key.SignData(attest.RawBytes.Span, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var half = signature.Length / 2;
        var raw = TpmSignature.CreateEcc(TpmAlgorithm.Ecdsa, schemeHash, signature.AsSpan(0, half), signature.AsSpan(half)).ToArray();
        return (ak, new TpmQuote(attest.RawBytes.Span, raw, TpmAlgorithm.Sha256, pcrs));
    }

    [Test]
    public void The_defaults_are_go_tpm_tools_rules()
    {
        var defaults = TpmVerificationOptions.Default;

        defaults.SignatureHashes.Should().BeEquivalentTo([TpmAlgorithm.Sha256, TpmAlgorithm.Sha384, TpmAlgorithm.Sha512]);
        defaults.EccCurves.Should().BeEquivalentTo([TpmEccCurve.NistP256, TpmEccCurve.NistP384, TpmEccCurve.NistP521]);
        defaults.MinimumRsaKeySize.Should().Be(0);
        new TpmQuoteVerifier().Options.Should().BeSameAs(defaults);
        new TpmQuoteVerifier().Verify(GceVector.Quote("sha256"), GceAk).Signature.Hash.Should().Be(TpmAlgorithm.Sha256);
    }

    [Test]
    public void A_verifier_that_accepts_only_SHA_384_signatures_refuses_a_SHA_256_signed_quote()
    {
        var verifier = new TpmQuoteVerifier(new TpmVerificationOptions { SignatureHashes = new HashSet<TpmAlgorithm> { TpmAlgorithm.Sha384 } });

        var act = () => verifier.Verify(GceVector.Quote("sha256"), GceAk);

        act.Should().Throw<AttestationSignatureException>().WithMessage("quote signature hash: expected sha384, got sha256");
    }

    [Test]
    public void A_minimum_RSA_modulus_refuses_a_smaller_attestation_key_and_accepts_one_as_large()
    {
        var strict = new TpmQuoteVerifier(new TpmVerificationOptions { MinimumRsaKeySize = 3072 });
        var exact = new TpmQuoteVerifier(new TpmVerificationOptions { MinimumRsaKeySize = 2048 });

        var act = () => strict.Verify(GceVector.Quote("sha256"), GceAk);

        act.Should().Throw<AttestationSignatureException>().WithMessage("attestation key: expected an RSA modulus of at least 3072 bits, got 2048");
        exact.Verify(GceVector.Quote("sha256"), GceAk).AttestationKey.Should().BeSameAs(GceAk);
    }

    [Test]
    public void Narrowed_curves_refuse_an_ECDSA_key_on_another_curve_and_accept_one_on_theirs()
    {
        var (p256Ak, p256Quote) = EccQuote(ECCurve.NamedCurves.nistP256, TpmEccCurve.NistP256, TpmAlgorithm.Sha256, HashAlgorithmName.SHA256);
        var (p384Ak, p384Quote) = EccQuote(ECCurve.NamedCurves.nistP384, TpmEccCurve.NistP384, TpmAlgorithm.Sha384, HashAlgorithmName.SHA384);
        var p384Only = new TpmQuoteVerifier(new TpmVerificationOptions { EccCurves = new HashSet<TpmEccCurve> { TpmEccCurve.NistP384 } });

        var act = () => p384Only.Verify(p256Quote, p256Ak);

        act.Should().Throw<AttestationSignatureException>().WithMessage("attestation key: expected an ECDSA key on NIST P-384, got NIST P-256");
        p384Only.Verify(p384Quote, p384Ak).Signature.Hash.Should().Be(TpmAlgorithm.Sha384);
        new TpmQuoteVerifier().Verify(p256Quote, p256Ak).Signature.Algorithm.Should().Be(TpmAlgorithm.Ecdsa);
    }

    [Test]
    public void No_curve_refuses_every_ECC_attestation_key_but_not_RSA_ones()
    {
        var (ak, quote) = EccQuote(ECCurve.NamedCurves.nistP256, TpmEccCurve.NistP256, TpmAlgorithm.Sha256, HashAlgorithmName.SHA256);
        var rsaOnly = new TpmQuoteVerifier(new TpmVerificationOptions { EccCurves = new HashSet<TpmEccCurve>() });

        var act = () => rsaOnly.Verify(quote, ak);

        act.Should().Throw<AttestationSignatureException>().WithMessage("*ECC attestation keys are not accepted*");
        rsaOnly.Verify(GceVector.Quote("sha256"), GceAk).Should().NotBeNull();
    }

    private static IEnumerable<TestCaseData> Widening()
    {
        yield return new TestCaseData(new TpmVerificationOptions { SignatureHashes = new HashSet<TpmAlgorithm> { TpmAlgorithm.Sha1, TpmAlgorithm.Sha256 } }).SetArgDisplayNames("SHA-1 signatures");
        yield return new TestCaseData(new TpmVerificationOptions { SignatureHashes = new HashSet<TpmAlgorithm>() }).SetArgDisplayNames("no signature hash");
        yield return new TestCaseData(new TpmVerificationOptions { EccCurves = new HashSet<TpmEccCurve> { TpmEccCurve.NistP256, (TpmEccCurve)0x0010 } }).SetArgDisplayNames("an unsupported curve");
        yield return new TestCaseData(new TpmVerificationOptions { MinimumRsaKeySize = -1 }).SetArgDisplayNames("a negative modulus size");
    }

    [TestCaseSource(nameof(Widening))]
    public void Options_that_would_accept_more_than_the_defaults_are_refused_when_the_verifier_is_made(TpmVerificationOptions options)
    {
        var act = () => new TpmQuoteVerifier(options);

        act.Should().Throw<ArgumentException>().WithMessage("*TpmVerificationOptions*");
    }
}
