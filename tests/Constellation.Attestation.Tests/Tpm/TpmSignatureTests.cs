using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tests.Tpm;

public class TpmSignatureTests
{
    [Test]
    public void The_real_GCE_signature_is_an_RSASSA_SHA256_signature_of_256_bytes()
    {
        var signature = TpmSignature.Parse(GceVector.Signature("sha256"));

        signature.Algorithm.Should().Be(TpmAlgorithm.RsaSsa);
        signature.Hash.Should().Be(TpmAlgorithm.Sha256);
        signature.RsaSignature.Length.Should().Be(256);
        signature.ToArray().Should().Equal(GceVector.Signature("sha256"));
    }

    [Test]
    public void An_ECDSA_signature_round_trips()
    {
        var signature = TpmSignature.CreateEcc(TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256, new byte[32], Enumerable.Repeat((byte)7, 32).ToArray());

        var parsed = TpmSignature.Parse(signature.ToArray());

        parsed.Algorithm.Should().Be(TpmAlgorithm.Ecdsa);
        parsed.EccS.ToArray().Should().OnlyContain(b => b == 7);
        parsed.ToArray().Should().Equal(signature.ToArray());
    }

    [Test]
    public void An_RSAPSS_signature_parses_so_that_the_verifier_can_name_it()
    {
        var bytes = GceVector.Signature("sha256");
        bytes[1] = 0x16;

        TpmSignature.Parse(bytes).Algorithm.Should().Be(TpmAlgorithm.RsaPss);
    }

    [Test]
    public void An_unknown_signature_algorithm_is_rejected()
    {
        var bytes = GceVector.Signature("sha256");
        bytes[1] = 0x99;

        var act = () => TpmSignature.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("TPMT_SIGNATURE.sigAlg: expected *, got 0x0099");
    }

    [Test]
    public void An_unknown_hash_algorithm_is_rejected()
    {
        var bytes = GceVector.Signature("sha256");
        bytes[3] = 0x42;

        var act = () => TpmSignature.Parse(bytes);

        act.Should().Throw<AttestationFormatException>().WithMessage("TPMT_SIGNATURE.signature.hash*0x0042");
    }

    [Test]
    public void Truncated_and_extended_signatures_are_rejected()
    {
        var bytes = GceVector.Signature("sha256");
        for (var length = 0; length < bytes.Length; length += 7)
        {
            var act = () => TpmSignature.Parse(bytes.AsSpan(0, length));
            act.Should().Throw<AttestationFormatException>();
        }

        var trailing = () => TpmSignature.Parse([.. bytes, 1]);
        trailing.Should().Throw<AttestationFormatException>().WithMessage("*trailing*");
    }
}
