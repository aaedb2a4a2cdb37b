using System.Security.Cryptography;
using System.Text;
using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Attestation.Tests.Dummy;

public class DummyVariantTests
{
    private static readonly byte[] Nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] UserData = SHA256.HashData("public key"u8);

    [Test]
    public async Task A_document_written_by_hand_from_the_spec_validates_and_returns_its_user_data()
    {
        var document = Encoding.UTF8.GetBytes(
            $"{{\"UserData\":\"{Convert.ToBase64String(UserData)}\",\"Nonce\":\"{Convert.ToBase64String(Nonce)}\"}}");

        var result = await new DummyValidator().ValidateAsync(document, Nonce);

        result.UserData.ToArray().Should().Equal(UserData);
        result.Variant.Should().Be(AttestationVariant.Dummy);
    }

    [Test]
    public async Task A_document_with_another_nonce_fails_with_a_binding_error_naming_both_nonces()
    {
        var otherNonce = Enumerable.Repeat((byte)0xAB, 32).ToArray();
        var document = await new DummyIssuer().IssueAsync(UserData, otherNonce);

        var act = async () => await new DummyValidator().ValidateAsync(document, Nonce);

        var error = (await act.Should().ThrowAsync<AttestationBindingException>()).Which;
        error.Field.Should().Be("nonce");
        error.Message.Should().Be($"invalid nonce: expected {Convert.ToHexStringLower(Nonce)}, got {Convert.ToHexStringLower(otherNonce)}");
    }

    [Test]
    public async Task The_issuer_writes_exactly_what_go_encoding_json_writes()
    {
        // Bytes chosen so the Base64 contains '+' and '/', which Go does not escape.
        var userData = new byte[] { 0xFB, 0xEF, 0xFF };
        var nonce = new byte[] { 0xFF, 0xFF, 0xFE };

        var document = await new DummyIssuer().IssueAsync(userData, nonce);

        Encoding.UTF8.GetString(document).Should().Be("{\"UserData\":\"++//\",\"Nonce\":\"///+\"}");
    }

    [Test]
    public async Task Field_names_match_case_insensitively_and_null_reads_as_empty()
    {
        var document = Encoding.UTF8.GetBytes($"{{\"userdata\":null,\"NONCE\":\"{Convert.ToBase64String(Nonce)}\"}}");

        var result = await new DummyValidator().ValidateAsync(document, Nonce);

        result.UserData.Length.Should().Be(0);
    }

    [TestCase("not json")]
    [TestCase("[1,2]")]
    [TestCase("{\"Nonce\":42}")]
    [TestCase("{\"Nonce\":\"***\"}")]
    public async Task Malformed_documents_give_a_format_error(string text)
    {
        var act = async () => await new DummyValidator().ValidateAsync(Encoding.UTF8.GetBytes(text), Nonce);

        await act.Should().ThrowAsync<AttestationFormatException>();
    }

    [Test]
    public async Task Issue_and_validate_round_trip()
    {
        var issuer = new DummyIssuer();
        var validator = new DummyValidator();

        var document = await issuer.IssueAsync(UserData, Nonce);
        var result = await validator.ValidateAsync(document, Nonce);

        issuer.Variant.Should().Be(validator.Variant);
        result.UserData.ToArray().Should().Equal(UserData);
    }

    [Test]
    public async Task A_cancelled_token_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = async () => await new DummyValidator().ValidateAsync(new byte[1], Nonce, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
