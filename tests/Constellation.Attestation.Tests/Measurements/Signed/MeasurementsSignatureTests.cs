using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Attestation.Tests.Measurements.Signed;

public sealed class MeasurementsSignatureTests : IDisposable
{
    private readonly SignedMeasurementsFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Test]
    public void A_signature_made_with_the_pinned_key_verifies()
    {
        var file = Encoding.UTF8.GetBytes(SignedMeasurementsFixture.File());

        var act = () => MeasurementsSignature.Verify(file, Encoding.ASCII.GetBytes(_fixture.Sign(file)), _fixture.PublicKey);

        act.Should().NotThrow();
    }

    [Test]
    public void Flipping_any_byte_of_the_file_breaks_the_signature()
    {
        var file = Encoding.UTF8.GetBytes(SignedMeasurementsFixture.File());
        var signature = Encoding.ASCII.GetBytes(_fixture.Sign(file));

        for (var i = 0; i < file.Length; i++)
        {
            var tampered = (byte[])file.Clone();
            tampered[i] ^= 0x01;
            var act = () => MeasurementsSignature.Verify(tampered, signature, _fixture.PublicKey);
            act.Should().Throw<AttestationSignatureException>($"byte {i} was flipped");
        }
    }

    [Test]
    public void Flipping_any_byte_of_the_der_signature_breaks_it()
    {
        var file = Encoding.UTF8.GetBytes(SignedMeasurementsFixture.File());
        var der = _fixture.Key.SignData(file, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        for (var i = 0; i < der.Length; i++)
        {
            var tampered = (byte[])der.Clone();
            tampered[i] ^= 0x01;
            var act = () => MeasurementsSignature.Verify(file, Encoding.ASCII.GetBytes(Convert.ToBase64String(tampered)), _fixture.PublicKey);
            act.Should().Throw<AttestationSignatureException>($"signature byte {i} was flipped");
        }
    }

    [Test]
    public void A_signature_by_another_key_is_rejected_naming_the_pinned_key()
    {
        var file = Encoding.UTF8.GetBytes(SignedMeasurementsFixture.File());
        using var other = new SignedMeasurementsFixture();

        var act = () => MeasurementsSignature.Verify(file, Encoding.ASCII.GetBytes(other.Sign(file)), _fixture.PublicKey);

        act.Should().Throw<AttestationSignatureException>().WithMessage($"*{_fixture.PublicKey.Fingerprint}*");
    }

    [Test]
    public void A_signature_that_is_not_base64_is_rejected()
    {
        var act = () => MeasurementsSignature.Verify([1, 2, 3], "not base64!"u8, _fixture.PublicKey);

        act.Should().Throw<AttestationSignatureException>().WithMessage("measurements signature: expected standard Base64*");
    }

    [Test]
    public void The_upstream_keys_are_built_in_and_selected_by_image()
    {
        MeasurementsPublicKey.ForImage(ImageVersion.Parse("v2.23.0")).Should().BeSameAs(MeasurementsPublicKey.Release);
        MeasurementsPublicKey.ForImage(ImageVersion.Parse("ref/main/stream/nightly/v2.24.0-pre.0.20250101")).Should().BeSameAs(MeasurementsPublicKey.Development);
        MeasurementsPublicKey.Release.Fingerprint.Should().NotBe(MeasurementsPublicKey.Development.Fingerprint);
    }

    [Test]
    public void A_key_on_another_curve_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var act = () => MeasurementsPublicKey.FromPem(p384.ExportSubjectPublicKeyInfoPem());

        act.Should().Throw<AttestationFormatException>().WithMessage("measurements public key: expected curve P-256*");
    }

    [Test]
    public void An_rsa_key_is_refused()
    {
        using var rsa = RSA.Create(2048);

        var act = () => MeasurementsPublicKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem());

        act.Should().Throw<AttestationFormatException>().WithMessage("measurements public key: expected an ECDSA P-256 key*");
    }
}
