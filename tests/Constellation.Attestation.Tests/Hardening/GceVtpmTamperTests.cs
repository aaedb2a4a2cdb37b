using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tests.Tpm;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.Document;
using Constellation.Attestation.Tpm.WireFormat.EventLog;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Hardening;

/// <summary>
/// Tamper sweeps over the real GCE vTPM evidence (VTPM-1). The TPMS_ATTEST structures are swept by
/// <see cref="TpmQuoteVerifierTests"/>; here the TPMT_SIGNATUREs, the AK public area, the AK certificate and its
/// issuer, and every truncation of the serialized attestation are covered, each through a full verification
/// (AK certificate chain to the pinned GCE root, every quote, the event log replay).
/// </summary>
public sealed class GceVtpmTamperTests
{
    private static readonly DateTimeOffset Pinned = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Banks = ["sha1", "sha256", "sha384"];

    [Test]
    public void The_untampered_attestation_verifies_fully()
    {
        var verified = Verify(VtpmAttestation.ParseProtobuf(GceVector.Protobuf), Intermediate);

        verified.Should().Be(3);
    }

    [TestCaseSource(nameof(Banks))]
    public void Flipping_any_byte_of_a_quote_signature_is_rejected_with_a_typed_error(string bank)
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);
        var signature = GceVector.Signature(bank);

        var outcome = TamperSweep.Flip<AttestationException>(signature, 0, signature.Length,
            tampered => QuoteVerification.VerifyAndBind(ak, new TpmQuote(GceVector.Attest(bank), tampered, GceVector.BankOf(bank), GceVector.Pcrs(bank)), []));

        outcome.ShouldRejectEverything($"{bank} TPMT_SIGNATURE");
    }

    [Test]
    public void Flipping_any_byte_of_the_AK_public_area_either_is_rejected_or_leaves_the_key_unchanged()
    {
        var original = TpmPublic.Parse(GceVector.AkPublic).ToSubjectPublicKeyInfo();
        var harmless = 0;

        // Attribute and policy bytes of TPMT_PUBLIC are not covered by any signature; only the key itself is vouched for
        // (by the AK certificate / the cloud API). A flip there must not change the key that signatures are checked with.
        var outcome = TamperSweep.Flip<AttestationException>(GceVector.AkPublic, 0, GceVector.AkPublic.Length, tampered =>
        {
            var ak = TpmPublic.Parse(tampered);
            foreach (var bank in Banks)
            {
                QuoteVerification.VerifyAndBind(ak, GceVector.Quote(bank), []);
            }

            ak.ToSubjectPublicKeyInfo().Should().Equal(original, "an accepted AK must be the same key");
            Interlocked.Increment(ref harmless);
        });

        outcome.Untyped.Should().BeEmpty();
        outcome.Accepted.Should().HaveCount(harmless);
        harmless.Should().BeLessThan(40, "only the header fields outside the RSA modulus can be harmless");
        TestContext.Out.WriteLine($"AK public area: {outcome.Tried - harmless} flips rejected, {harmless} flips in unsigned attribute/policy bytes left the key unchanged");
    }

    [Test]
    public void Flipping_any_byte_of_the_AK_certificate_is_rejected_with_a_typed_error()
    {
        var der = GceVector.AkCertificate;

        var outcome = TamperSweep.Flip<AttestationException>(der, 0, der.Length, tampered => VerifyAkCertificate(tampered, Intermediate));

        outcome.ShouldRejectEverything("GCE AK certificate");
    }

    [Test]
    public void Flipping_any_byte_of_the_AK_certificates_issuer_is_rejected_with_a_typed_error()
    {
        var der = TestData.EvidenceBytes("vtpm/gotpmtools-tpm_ek_intermediate_2.der");

        var outcome = TamperSweep.Flip<AttestationException>(der, 0, der.Length, tampered => VerifyAkCertificate(GceVector.AkCertificate, tampered));

        outcome.ShouldRejectEverything("GCE AK intermediate");
    }

    [Test]
    public void Every_truncation_of_the_serialized_attestation_fails_with_a_typed_error()
    {
        var outcome = TamperSweep.Truncate<AttestationException>(GceVector.Protobuf, prefix => Verify(VtpmAttestation.ParseProtobuf(prefix), Intermediate));

        outcome.ShouldRejectEverything("GCE attestation protobuf prefix");
    }

    private static byte[] Intermediate => TestData.EvidenceBytes("vtpm/gotpmtools-tpm_ek_intermediate_2.der");

    private static X509Certificate2 Root => X509CertificateLoader.LoadCertificate(TestData.EvidenceBytes("vtpm/gotpmtools-tpm_ek_root_1.der"));

    private static void VerifyAkCertificate(ReadOnlySpan<byte> akCertificate, ReadOnlySpan<byte> intermediate)
    {
        using var ak = AkCertificate.Parse(akCertificate);
        using var issuer = PemCertificates.LoadDer(intermediate, "AK intermediate");
        var chain = AkCertificateChain.Verify(ak, [issuer], [Root], Pinned);
        if (!chain.Certifies(TpmPublic.Parse(GceVector.AkPublic)))
        {
            throw new AttestationTrustException("the AK certificate does not certify the AK");
        }
    }

    /// <summary>A full offline verification of a GCE attestation; returns the number of verified quotes.</summary>
    private static int Verify(VtpmAttestation attestation, byte[] intermediate)
    {
        VerifyAkCertificate(attestation.AkCertificate.Span, intermediate);
        var ak = TpmPublic.Parse(attestation.AkPublic.Span);
        if (!TpmQuoteVerifier.KeyEquals(ak, X509CertificateLoader.LoadCertificate(attestation.AkCertificate.Span).PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new AttestationTrustException("ak_pub is not the certified AK");
        }

        if (attestation.Quotes.Length != 3)
        {
            throw new AttestationFormatException($"expected 3 quotes, got {attestation.Quotes.Length}");
        }

        var log = TcgEventLog.Parse(attestation.EventLog.Span);
        foreach (var quote in attestation.Quotes)
        {
            QuoteVerification.VerifyAndBind(ak, quote, [], log);
        }

        return attestation.Quotes.Length;
    }
}
