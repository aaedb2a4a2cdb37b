using System;
using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace Constellation.Cluster.Bootstrapper.Init;

/// <summary>
/// The bcrypt hash of the init secret (<c>$2a$</c>/<c>$2b$</c>, as Go's <c>x/crypto/bcrypt</c> writes it) that a node
/// gets at creation; the init server only accepts an <c>Init</c> whose plaintext secret matches it.
/// </summary>
/// <remarks>
/// The secret is treated as raw bytes with a NUL terminator, exactly as Go's bcrypt does, so random (non-UTF-8) secrets
/// from Constellation's CLI verify. bcrypt itself is BouncyCastle's. Stateless and thread-safe.
/// </remarks>
public static class InitSecretHash
{
    /// <summary>Go's <c>bcrypt.DefaultCost</c>.</summary>
    public const int DefaultCost = 10;

    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly SearchValues<char> AlphabetCharacters = SearchValues.Create(Alphabet);
    private const int MaxKeyLength = 72;

    /// <summary>Hashes a secret with a fresh 16-byte salt.</summary>
    /// <param name="secret">The init secret (1 … 71 bytes).</param>
    /// <param name="cost">The bcrypt cost (4 … 31).</param>
    /// <returns>The modular-crypt string <c>$2a$NN$&lt;salt&gt;&lt;hash&gt;</c>.</returns>
    public static string Hash(ReadOnlySpan<byte> secret, int cost = DefaultCost)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cost, 31);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Compute(secret, salt, cost);
        return $"$2a${cost.ToString("D2", CultureInfo.InvariantCulture)}${Encode(salt)}{Encode(hash)}";
    }

    /// <summary>Checks a secret against a hash in constant time.</summary>
    /// <param name="hash">The modular-crypt string.</param>
    /// <param name="secret">The candidate secret.</param>
    /// <returns><see langword="true"/> if the secret matches.</returns>
    /// <exception cref="FormatException">The hash is not a bcrypt <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c> string.</exception>
    public static bool Verify(string hash, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (!TryReadCost(hash, out var cost))
        {
            throw new FormatException("init secret hash: expected a bcrypt string $2a$NN$<53 characters>");
        }

        if (secret.IsEmpty || secret.Length >= MaxKeyLength)
        {
            return false;
        }

        var salt = Decode(hash.AsSpan(7, 22), 16);
        var expected = Decode(hash.AsSpan(29, 31), 23);
        var actual = Compute(secret, salt, cost);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Checks that <paramref name="hash"/> is a bcrypt string this class verifies, without verifying anything.</summary>
    /// <param name="hash">The candidate hash.</param>
    /// <returns><see langword="true"/> for a <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c> string of cost 4 … 31 in bcrypt's Base64.</returns>
    public static bool IsWellFormed(string? hash) =>
        hash is not null && TryReadCost(hash, out _) && hash.AsSpan(7).IndexOfAnyExcept(AlphabetCharacters) < 0;

    private static bool TryReadCost(string hash, out int cost)
    {
        cost = 0;
        return hash.Length == 60 && hash[0] == '$' && hash[1] == '2' && (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$' && hash[6] == '$'
            && int.TryParse(hash.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out cost) && cost >= 4 && cost <= 31;
    }

    private static byte[] Compute(ReadOnlySpan<byte> secret, byte[] salt, int cost)
    {
        if (secret.IsEmpty || secret.Length >= MaxKeyLength)
        {
            throw new ArgumentException($"init secret: expected 1 … {MaxKeyLength - 1} bytes, got {secret.Length}", nameof(secret));
        }

        var key = secret.ToArray();
        try
        {
            // Go's bcrypt keys Blowfish with the password plus a NUL byte.
            var output = BCrypt.Generate(key, salt, cost, addTerminator: true);
            return output.AsSpan(0, 23).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static string Encode(byte[] data)
    {
        var chars = new char[(data.Length * 8 + 5) / 6];
        var bits = 0;
        var value = 0;
        var index = 0;
        foreach (var b in data)
        {
            value = (value << 8) | b;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                chars[index++] = Alphabet[(value >> bits) & 0x3F];
            }
        }

        if (bits > 0)
        {
            chars[index] = Alphabet[(value << (6 - bits)) & 0x3F];
        }

        return new string(chars);
    }

    private static byte[] Decode(ReadOnlySpan<char> text, int length)
    {
        var output = new byte[length];
        var bits = 0;
        var value = 0;
        var index = 0;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                throw new FormatException($"init secret hash: '{c}' is not a bcrypt Base64 character");
            }

            value = ((value << 6) | digit) & 0xFFFFFF;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (index < length)
                {
                    output[index++] = (byte)(value >> bits);
                }
            }
        }

        return output;
    }
}
