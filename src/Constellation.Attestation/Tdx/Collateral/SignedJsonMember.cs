using System;
using System.Text.Json;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>
/// Finds the signed member of a PCS collateral response (<c>{"tcbInfo":{…},"signature":"…"}</c>) and keeps its value's
/// exact bytes as received: Intel signs those bytes, so they are never re-serialized.
/// </summary>
internal sealed class SignedJsonMember
{
    private SignedJsonMember(byte[] signedBytes, byte[] signature)
    {
        SignedBytes = signedBytes;
        Signature = signature;
    }

    public byte[] SignedBytes { get; }

    public byte[] Signature { get; }

    public static SignedJsonMember Read(ReadOnlySpan<byte> body, string member, string what)
    {
        Utf8Input.Require(body, what);
        byte[]? signed = null;
        string? signatureHex = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, what, "a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == member)
                {
                    Expect(signed is null, what, $"one \"{member}\" member");
                    Expect(reader.TokenType == JsonTokenType.StartObject, what, $"\"{member}\" to be an object");
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    signed = body[start..(int)reader.BytesConsumed].ToArray();
                }
                else if (name == "signature")
                {
                    Expect(signatureHex is null, what, "one \"signature\" member");
                    Expect(reader.TokenType == JsonTokenType.String, what, "\"signature\" to be a string");
                    signatureHex = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            Expect(reader.TokenType == JsonTokenType.EndObject && !reader.Read(), what, "a single JSON object");
        }
        catch (JsonException ex)
        {
            throw new AttestationFormatException($"{what}: invalid JSON ({ex.Message})", ex);
        }

        Expect(signed is not null, what, $"a \"{member}\" member");
        Expect(signatureHex is not null, what, "a \"signature\" member");
        var signature = Hex.Decode(signatureHex!, 64, $"{what}: signature");
        return new SignedJsonMember(signed!, signature);
    }

    private static void Expect(bool condition, string what, string expected)
    {
        if (!condition)
        {
            throw new AttestationFormatException($"{what}: expected {expected}");
        }
    }
}
