using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

public sealed class AtlsCertificateFactoryTests
{
    private static async Task<X509Certificate2> CreateAsync(byte[] nonce) =>
        await AtlsCertificateFactory.CreateAsync(new DummyIssuer(), nonce, TimeProvider.System);

    [Test]
    public async Task The_certificate_has_the_shape_spec_section_3_prescribes()
    {
        var before = DateTimeOffset.UtcNow;
        using var certificate = await CreateAsync(AtlsNonce.Create());
        certificate.Version.Should().Be(3);
        certificate.Subject.Should().Be("CN=Constellation");
        certificate.Issuer.Should().Be("CN=Constellation");
        certificate.SignatureAlgorithm.Value.Should().Be("1.2.840.10045.4.3.2");
        certificate.HasPrivateKey.Should().BeTrue();
        using var key = certificate.GetECDsaPublicKey()!;
        key.ExportParameters(false).Curve.Oid.Value.Should().Be(ECCurve.NamedCurves.nistP256.Oid.Value);
        certificate.NotBefore.ToUniversalTime().Should().BeCloseTo(before.UtcDateTime.AddHours(-2), TimeSpan.FromMinutes(1));
        certificate.NotAfter.ToUniversalTime().Should().BeCloseTo(before.UtcDateTime.AddHours(2), TimeSpan.FromMinutes(1));
        certificate.Extensions.Should().ContainSingle();
        var extension = certificate.Extensions[0];
        extension.Oid!.Value.Should().Be(AttestationVariant.Dummy.Oid);
        extension.Critical.Should().BeFalse();
    }

    [Test]
    public async Task The_extension_value_is_the_raw_issuer_document_bound_to_the_spki_hash_and_the_peer_nonce()
    {
        var nonce = AtlsNonce.Create();
        using var certificate = await CreateAsync(nonce);
        var document = DummyDocument.Parse(certificate.Extensions[AttestationVariant.Dummy.Oid]!.RawData);
        document.Nonce.ToArray().Should().Equal(nonce);
        document.UserData.ToArray().Should().Equal(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        certificate.Extensions[AttestationVariant.Dummy.Oid]!.RawData.Should().StartWith("{\"UserData\":"u8.ToArray());
    }

    [Test]
    public async Task Serial_numbers_are_non_negative_at_most_128_bits_and_differ()
    {
        var serials = new HashSet<BigInteger>();
        for (var i = 0; i < 64; i++)
        {
            using var certificate = await CreateAsync(AtlsNonce.Create());
            var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            reader.ReadEncodedValue(); // [0] version
            var serial = reader.ReadInteger();
            serial.Sign.Should().BeGreaterThanOrEqualTo(0);
            serial.Should().BeLessThan(BigInteger.One << 128);
            serials.Add(serial);
        }

        serials.Should().HaveCount(64);
    }

    [Test]
    public async Task Without_an_issuer_the_certificate_has_no_extension()
    {
        using var certificate = await AtlsCertificateFactory.CreateAsync(null, AtlsNonce.Create());
        certificate.Extensions.Should().BeEmpty();
    }

    [Test]
    public async Task Each_certificate_has_a_fresh_key()
    {
        using var a = await CreateAsync(AtlsNonce.Create());
        using var b = await CreateAsync(AtlsNonce.Create());
        a.PublicKey.EncodedKeyValue.RawData.Should().NotEqual(b.PublicKey.EncodedKeyValue.RawData);
    }

    [Test]
    public void Validity_times_use_UTCTime_through_2049_and_GeneralizedTime_from_2050_in_whole_seconds()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var notBefore = new DateTimeOffset(2049, 12, 31, 23, 0, 0, 250, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(2050, 1, 1, 1, 0, 0, 750, TimeSpan.Zero);
        using var certificate = AtlsCertificateFactory.Create(key, null, null, notBefore, notAfter);
        var validity = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        validity.ReadEncodedValue(); // [0] version
        validity.ReadInteger();
        validity.ReadSequence();
        validity.ReadEncodedValue(); // issuer
        var times = validity.ReadSequence();
        times.PeekTag().Should().Be(Asn1Tag.UtcTime);
        times.ReadUtcTime().Should().Be(new DateTimeOffset(2049, 12, 31, 23, 0, 0, TimeSpan.Zero));
        times.PeekTag().Should().Be(Asn1Tag.GeneralizedTime);
        times.ReadGeneralizedTime().Should().Be(new DateTimeOffset(2050, 1, 1, 1, 0, 0, TimeSpan.Zero));
        certificate.Extensions.Should().BeEmpty();
        certificate.HasPrivateKey.Should().BeTrue();
    }

    [Test]
    public void The_self_signature_verifies_with_the_certificate_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = AtlsCertificateFactory.Create(key, AttestationVariant.Dummy, "{}"u8, DateTimeOffset.UtcNow);
        var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue();
        outer.ReadSequence().ReadObjectIdentifier().Should().Be("1.2.840.10045.4.3.2");
        var signature = outer.ReadBitString(out _);
        key.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence).Should().BeTrue();
        certificate.Extensions[AttestationVariant.Dummy.Oid]!.RawData.Should().Equal("{}"u8.ToArray());
    }
}
