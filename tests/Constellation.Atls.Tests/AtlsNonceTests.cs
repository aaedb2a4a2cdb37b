using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Constellation.Atls.Tests;

public sealed class AtlsNonceTests
{
    [Test]
    public void A_fresh_nonce_is_32_bytes_and_differs_each_time()
    {
        AtlsNonce.Create().Should().HaveCount(32).And.NotEqual(AtlsNonce.Create());
    }

    [Test]
    public void The_server_name_is_44_characters_of_padded_standard_base64_and_decodes_back()
    {
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)(i * 37 + 250)).ToArray();
        var name = AtlsNonce.ToServerName(nonce);
        name.Should().HaveLength(44).And.EndWith("=");
        AtlsNonce.FromServerName(name).Should().Equal(nonce);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not base64!")]
    [TestCase("AAAA AAA=")]
    [TestCase("AAAAAAA")]
    [TestCase("example.com")]
    public void A_missing_or_malformed_server_name_is_rejected_with_the_reason(string? serverName)
    {
        var act = () => AtlsNonce.FromServerName(serverName);
        act.Should().Throw<AtlsException>().WithMessage("client nonce*");
    }

    [Test]
    public void The_acceptable_issuer_is_a_single_cn_printable_string_rdn_as_go_encodes_it()
    {
        var nonce = AtlsNonce.Create();
        var name = AtlsNonce.ToAcceptableIssuer(nonce);
        var reader = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
        var attribute = reader.ReadSetOf().ReadSequence();
        attribute.ReadObjectIdentifier().Should().Be("2.5.4.3");
        attribute.ReadCharacterString(UniversalTagNumber.PrintableString).Should().Be(Convert.ToBase64String(nonce));
        reader.HasData.Should().BeFalse("exactly one RDN");
        AtlsNonce.FromAcceptableIssuer(name).Should().Equal(nonce);
    }

    [Test]
    public void The_server_nonce_is_decoded_from_the_quoted_dn_string_dotnet_hands_the_client()
    {
        var nonce = AtlsNonce.Create();
        var formatted = AtlsNonce.ToAcceptableIssuer(nonce).Name;
        AtlsNonce.FromAcceptableIssuers([formatted]).Should().Equal(nonce);
        AtlsNonce.FromAcceptableIssuers([$"CN=\"{Convert.ToBase64String(nonce)}\""]).Should().Equal(nonce);
    }

    [Test]
    public void A_cn_in_a_utf8_string_is_accepted_too()
    {
        var nonce = AtlsNonce.Create();
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(Convert.ToBase64String(nonce));
        AtlsNonce.FromAcceptableIssuer(builder.Build()).Should().Equal(nonce);
    }

    [Test]
    public void Zero_or_two_acceptable_issuers_are_rejected()
    {
        var one = AtlsNonce.ToAcceptableIssuer(AtlsNonce.Create()).Name;
        ((Action)(() => AtlsNonce.FromAcceptableIssuers([]))).Should().Throw<AtlsException>().WithMessage("*unexpected acceptableCAs length: expected 1, got 0");
        ((Action)(() => AtlsNonce.FromAcceptableIssuers([one, one]))).Should().Throw<AtlsException>().WithMessage("*got 2");
    }

    [Test]
    public void An_acceptable_issuer_without_a_common_name_is_rejected()
    {
        var act = () => AtlsNonce.FromAcceptableIssuers(["O=Constellation"]);
        act.Should().Throw<AtlsException>().WithMessage("*CN not found*");
    }
}
