using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Tpm.Verify;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tests.Tpm;

public class TpmPublicTests
{
    [Test]
    public void The_real_GCE_AK_is_an_RSA_2048_restricted_signing_key()
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);

        ak.Type.Should().Be(TpmAlgorithm.Rsa);
        ak.NameAlgorithm.Should().Be(TpmAlgorithm.Sha256);
        ak.Attributes.Should().Be(TpmObjectAttributes.AttestationKey);
        ((uint)ak.Attributes).Should().Be(0x00050072);
        ak.Scheme.Should().Be(TpmAlgorithm.RsaSsa);
        ak.SchemeHash.Should().Be(TpmAlgorithm.Sha256);
        ak.RsaKeyBits.Should().Be(2048);
        ak.Unique.Length.Should().Be(256);
        ak.ToArray().Should().Equal(GceVector.AkPublic);
    }

    [Test]
    public void The_qualified_signer_in_the_quote_is_the_AK_qualified_name_under_the_endorsement_hierarchy()
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);
        var attest = TpmAttest.Parse(GceVector.Attest("sha256"));

        ak.ComputeQualifiedName([0x40, 0x00, 0x00, 0x0B]).Should().Equal(attest.QualifiedSigner.ToArray());
        ak.ComputeName().Should().NotEqual(attest.QualifiedSigner.ToArray());
    }

    [Test]
    public void The_AK_equals_the_public_key_of_the_AK_certificate()
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);
        using var cert = X509CertificateLoader.LoadCertificate(GceVector.AkCertificate);

        TpmQuoteVerifier.KeyEquals(ak, cert.PublicKey.ExportSubjectPublicKeyInfo()).Should().BeTrue();
        ak.ToSubjectPublicKeyInfo().Should().Equal(cert.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Test]
    public void Another_RSA_key_is_not_equal()
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);
        using var other = RSA.Create(2048);

        TpmQuoteVerifier.KeyEquals(ak, other.ExportSubjectPublicKeyInfo()).Should().BeFalse();
    }

    [Test]
    public void An_ECC_key_is_not_equal_to_an_RSA_key()
    {
        var ak = TpmPublic.Parse(GceVector.AkPublic);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        TpmQuoteVerifier.KeyEquals(ak, other.ExportSubjectPublicKeyInfo()).Should().BeFalse();
    }

    [Test]
    public void The_ECC_AK_template_marshals_as_go_tpm_tools_defines_it()
    {
        var template = TpmPublic.EccAttestationKeyTemplate();

        Convert.ToHexStringLower(template.ToArray()).Should().Be(
            "0023" + "000b" + "00050072" + "0000" + "0010" + "0018000b" + "0003" + "0010" + "0000" + "0000");
        TpmPublic.Parse(template.ToArray()).Curve.Should().Be(TpmEccCurve.NistP256);
    }

    [Test]
    public void The_RSA_AK_template_marshals_as_go_tpm_tools_defines_it()
    {
        Convert.ToHexStringLower(TpmPublic.RsaAttestationKeyTemplate().ToArray()).Should().Be(
            "0001" + "000b" + "00050072" + "0000" + "0010" + "0014000b" + "0800" + "00000000" + "0000");
    }

    [Test]
    public void An_ECC_key_converts_to_an_equal_dotnet_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var pub = TpmPublic.CreateEcc(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256, TpmEccCurve.NistP256, p.Q.X, p.Q.Y);

        var parsed = TpmPublic.Parse(pub.ToArray());

        TpmQuoteVerifier.KeyEquals(parsed, key.ExportSubjectPublicKeyInfo()).Should().BeTrue();
    }

    [Test]
    public void Unknown_key_types_schemes_and_curves_are_rejected()
    {
        var bytes = GceVector.AkPublic;
        var badType = (byte[])bytes.Clone();
        badType[1] = 0x25;
        var badScheme = (byte[])bytes.Clone();
        badScheme[13] = 0x18; // ECDSA on an RSA key

        ((Action)(() => TpmPublic.Parse(badType))).Should().Throw<AttestationFormatException>().WithMessage("TPMT_PUBLIC.type*0x0025");
        ((Action)(() => TpmPublic.Parse(badScheme))).Should().Throw<AttestationFormatException>().WithMessage("TPMT_PUBLIC.parameters.scheme.scheme*0x0018");
        var badCurve = TpmPublic.CreateEcc(TpmAlgorithm.Sha256, TpmObjectAttributes.AttestationKey, TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256, (TpmEccCurve)0x0010, new byte[32], new byte[32]);
        ((Action)(() => TpmPublic.Parse(badCurve.ToArray()).CreateEcdsa())).Should().Throw<AttestationFormatException>().WithMessage("*curveID*0x0010");
    }

    [Test]
    public void Every_truncation_and_a_trailing_byte_are_rejected()
    {
        var bytes = GceVector.AkPublic;
        for (var length = 0; length < bytes.Length; length++)
        {
            var act = () => TpmPublic.Parse(bytes.AsSpan(0, length));
            act.Should().Throw<AttestationFormatException>();
        }

        ((Action)(() => TpmPublic.Parse([.. bytes, 0]))).Should().Throw<AttestationFormatException>().WithMessage("*trailing*");
    }
}
