using System;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Keys;

/// <summary>
/// A cluster's master secret and its salt, the roots of every key the cluster KMS derives.
/// Immutable; <see cref="ToString"/> never reveals the values.
/// </summary>
/// <remarks>
/// The file form is Constellation's <c>constellation-mastersecret.json</c>: <c>{"key":"&lt;std b64&gt;","salt":"&lt;std b64&gt;"}</c>,
/// written with mode 0600. Safe to share between threads.
/// </remarks>
public sealed class MasterSecret
{
    /// <summary>The minimum master secret length in bytes.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>The minimum salt length in bytes.</summary>
    public const int MinimumSaltLength = 32;

    /// <summary>The length of generated secrets and salts.</summary>
    public const int DefaultLength = 32;

    private readonly byte[] _key;
    private readonly byte[] _salt;

    /// <summary>Creates a master secret from its parts (copied).</summary>
    /// <param name="key">The secret, at least 16 bytes.</param>
    /// <param name="salt">The salt, at least 32 bytes.</param>
    /// <exception cref="ArgumentException">A part is too short.</exception>
    public MasterSecret(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"master secret: expected at least {MinimumKeyLength} bytes, got {key.Length}", nameof(key));
        }

        if (salt.Length < MinimumSaltLength)
        {
            throw new ArgumentException($"master secret salt: expected at least {MinimumSaltLength} bytes, got {salt.Length}", nameof(salt));
        }

        _key = key.ToArray();
        _salt = salt.ToArray();
    }

    /// <summary>Gets the secret.</summary>
    public ReadOnlyMemory<byte> Key => _key;

    /// <summary>Gets the salt.</summary>
    public ReadOnlyMemory<byte> Salt => _salt;

    /// <summary>Generates a fresh 32-byte secret and 32-byte salt from the OS CSPRNG.</summary>
    /// <returns>The new master secret.</returns>
    public static MasterSecret Generate() =>
        new(RandomNumberGenerator.GetBytes(DefaultLength), RandomNumberGenerator.GetBytes(DefaultLength));

    /// <summary>Parses the JSON file form.</summary>
    /// <param name="utf8Json">The file content.</param>
    /// <returns>The master secret.</returns>
    /// <exception cref="FormatException">The content is not a master secret file (the message never contains the values).</exception>
    public static MasterSecret ParseJson(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String || !key.TryGetBytesFromBase64(out var keyBytes)
                || !root.TryGetProperty("salt", out var salt) || salt.ValueKind != JsonValueKind.String || !salt.TryGetBytesFromBase64(out var saltBytes))
            {
                throw new FormatException("master secret file: expected {\"key\":\"<base64>\",\"salt\":\"<base64>\"}");
            }

            try
            {
                return new MasterSecret(keyBytes, saltBytes);
            }
            finally
            {
                // The constructor copied them.
                CryptographicOperations.ZeroMemory(keyBytes);
                CryptographicOperations.ZeroMemory(saltBytes);
            }
        }
        catch (JsonException ex)
        {
            // The JSON reader's message may quote content; keep only the position.
            throw new FormatException($"master secret file: not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message);
        }
    }

    /// <summary>Serialises the JSON file form.</summary>
    /// <returns>The UTF-8 JSON bytes.</returns>
    public byte[] ToJsonBytes() =>
        // Base64 needs no JSON escaping; writing it directly avoids System.Text.Json's \u002B for '+', which Go does not write.
        System.Text.Encoding.UTF8.GetBytes($"{{\"key\":\"{Convert.ToBase64String(_key)}\",\"salt\":\"{Convert.ToBase64String(_salt)}\"}}");

    /// <summary>Reads a master secret file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The master secret.</returns>
    public static async Task<MasterSecret> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return ParseJson(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Writes the JSON file form, creating the file with mode 0600 (owner read/write only) before any byte is written.</summary>
    /// <param name="path">The file path; an existing file is refused so a secret is never silently replaced.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="IOException">The file already exists.</exception>
    public Task WriteFileAsync(string path, CancellationToken cancellationToken = default) =>
        SecretFile.WriteNewAsync(path, ToJsonBytes(), cancellationToken);

    /// <summary>Builds the built-in KMS URI <c>kms://cluster-kms?key=…&amp;salt=…</c> (Base64 URL alphabet with padding).</summary>
    /// <returns>The URI. It contains the secret: never log it.</returns>
    public string ToKmsUri() => $"kms://cluster-kms?key={ToBase64Url(_key)}&salt={ToBase64Url(_salt)}";

    /// <summary>Parses a built-in KMS URI.</summary>
    /// <param name="kmsUri">The URI.</param>
    /// <returns>The master secret.</returns>
    /// <exception cref="FormatException">The URI is not a <c>kms://cluster-kms</c> URI with a key and a salt (the message never contains the values).</exception>
    public static MasterSecret ParseKmsUri(string kmsUri)
    {
        ArgumentNullException.ThrowIfNull(kmsUri);
        const string prefix = "kms://cluster-kms?";
        if (!kmsUri.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new FormatException("KMS URI: expected scheme and host kms://cluster-kms");
        }

        byte[]? key = null;
        byte[]? salt = null;
        foreach (var pair in kmsUri[prefix.Length..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            var value = separator < 0 ? string.Empty : Uri.UnescapeDataString(pair[(separator + 1)..]);
            switch (name)
            {
                case "key":
                    key = FromBase64Url(value, "key");
                    break;
                case "salt":
                    salt = FromBase64Url(value, "salt");
                    break;
                default:
                    break;
            }
        }

        if (key is null || salt is null)
        {
            throw new FormatException($"KMS URI: missing parameter {(key is null ? "key" : "salt")}");
        }

        try
        {
            return new MasterSecret(key, salt);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("KMS URI: " + ex.Message);
        }
        finally
        {
            // The constructor copied them.
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(salt);
        }
    }

    /// <summary>Returns a redacted description; the values are never printed.</summary>
    /// <returns>A description with the lengths only.</returns>
    public override string ToString() => $"MasterSecret(key: {_key.Length} bytes, salt: {_salt.Length} bytes, redacted)";

    private static string ToBase64Url(byte[] value) => Convert.ToBase64String(value).Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string value, string name)
    {
        var standard = value.Replace('-', '+').Replace('_', '/');
        var padded = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            throw new FormatException($"KMS URI: parameter {name} is not Base64 (URL alphabet)");
        }
    }
}
