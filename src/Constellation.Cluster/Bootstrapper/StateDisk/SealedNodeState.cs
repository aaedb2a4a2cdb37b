using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Constellation.Cluster.Bootstrapper.Node;
using Constellation.Cluster.Keys;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>
/// The node state as it is kept on the state disk: a LUKS2 token of type <see cref="TokenType"/> in the disk's header
/// holding <c>node_state.json</c> sealed with AES-256-GCM under a key derived from the disk key. It stands in for
/// Constellation's file on the encrypted file system, which needs device-mapper and a mount: only a holder of the disk
/// key reads it, and a token that was changed, or copied from another disk, does not open.
/// </summary>
/// <remarks>
/// Key: <c>HKDF-SHA256(ikm = disk key, salt = empty, info = "constellation node state v1 " + disk UUID, 32)</c>;
/// associated data <c>"constellation-node-state\0" + disk UUID</c>; a fresh 12-byte nonce per write.
/// Token JSON: <c>{"type":"constellation-node-state","keyslots":[],"version":1,"nonce":…,"ciphertext":…,"tag":…}</c>
/// (standard Base64). The plaintext is exactly the bytes <see cref="NodeState.ToJsonBytes"/> writes.
/// </remarks>
internal static class SealedNodeState
{
    public const string TokenType = "constellation-node-state";

    private const int Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    public static byte[] Seal(NodeState state, ReadOnlySpan<byte> diskKey, string diskUuid)
    {
        ArgumentNullException.ThrowIfNull(state);
        var plaintext = state.ToJsonBytes();
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagLength];
        var key = DeriveKey(diskKey, diskUuid);
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(diskUuid));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Token(TokenType, [], Version, nonce, ciphertext, tag), TokenJsonContext.Default.Token);
    }

    /// <exception cref="StateDiskException">The token is malformed or does not open with this disk's key.</exception>
    public static NodeState Open(ReadOnlySpan<byte> tokenJson, ReadOnlySpan<byte> diskKey, string diskUuid)
    {
        Token? token;
        try
        {
            token = JsonSerializer.Deserialize(tokenJson, TokenJsonContext.Default.Token);
        }
        catch (JsonException ex)
        {
            throw new StateDiskException($"state disk {Fingerprint(diskUuid)}: node state token: expected {TokenType} JSON, got unparseable JSON ({ex.Message})", ex);
        }

        if (token is null || token.Type != TokenType || token.Version != Version || token.Nonce is not { Length: NonceLength }
            || token.Tag is not { Length: TagLength } || token.Ciphertext is null)
        {
            throw new StateDiskException(
                $"state disk {Fingerprint(diskUuid)}: node state token: expected type {TokenType}, version {Version}, a {NonceLength}-byte nonce and a {TagLength}-byte tag, got another shape");
        }

        var plaintext = new byte[token.Ciphertext.Length];
        var key = DeriveKey(diskKey, diskUuid);
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(token.Nonce, token.Ciphertext, token.Tag, plaintext, AssociatedData(diskUuid));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new StateDiskException(
                $"state disk {Fingerprint(diskUuid)}: node state token: expected a seal by this disk's key, got one that does not open (changed, or from another disk)", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            return NodeState.Parse(plaintext);
        }
        catch (FormatException ex)
        {
            throw new StateDiskException($"state disk {Fingerprint(diskUuid)}: {ex.Message}", ex);
        }
    }

    private static byte[] DeriveKey(ReadOnlySpan<byte> diskKey, string diskUuid)
    {
        if (diskKey.Length != ClusterKeyDerivation.KeyLength)
        {
            throw new ArgumentException($"disk key: expected {ClusterKeyDerivation.KeyLength} bytes, got {diskKey.Length}", nameof(diskKey));
        }

        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, diskKey, key, [], Encoding.ASCII.GetBytes("constellation node state v1 " + diskUuid));
        return key;
    }

    private static byte[] AssociatedData(string diskUuid) => Encoding.ASCII.GetBytes(TokenType + "\0" + diskUuid);

    private static string Fingerprint(string diskUuid) =>
        StateDiskUuid.TryParse(diskUuid, out var parsed) ? parsed.Fingerprint : "(not a UUID)";

    internal sealed record Token(
        [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("keyslots")] string[] Keyslots,
        [property: System.Text.Json.Serialization.JsonPropertyName("version")] int Version,
        [property: System.Text.Json.Serialization.JsonPropertyName("nonce")] byte[]? Nonce,
        [property: System.Text.Json.Serialization.JsonPropertyName("ciphertext")] byte[]? Ciphertext,
        [property: System.Text.Json.Serialization.JsonPropertyName("tag")] byte[]? Tag);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(SealedNodeState.Token))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed partial class TokenJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
