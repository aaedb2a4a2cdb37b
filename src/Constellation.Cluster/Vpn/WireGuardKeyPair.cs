using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Cluster.Hosting;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Constellation.Cluster.Vpn;

/// <summary>
/// A node's WireGuard key pair: a Curve25519 private key clamped as WireGuard clamps it, and its public key. The text
/// form of both is Base64 of 32 bytes, as <c>wg genkey</c> and <c>wg pubkey</c> print them.
/// </summary>
/// <remarks>
/// The private key never leaves the node: it is written only to <see cref="FileName"/> (mode 0600) in a directory the
/// caller owns, and <see cref="ToString"/> shows the public key only. Thread-safe; dispose to wipe the private key.
/// </remarks>
public sealed class WireGuardKeyPair : IDisposable
{
    /// <summary>The name of the private key file in the key directory.</summary>
    public const string FileName = "wireguard.key";

    /// <summary>The length of WireGuard keys in bytes.</summary>
    public const int KeyLength = 32;

    private readonly byte[] _privateKey;

    private WireGuardKeyPair(byte[] privateKey)
    {
        Clamp(privateKey);
        _privateKey = privateKey;
        var publicKey = new byte[KeyLength];
        X25519.ScalarMultBase(privateKey, 0, publicKey, 0);
        PublicKey = Convert.ToBase64String(publicKey);
    }

    /// <summary>Gets the public key in WireGuard's text form (Base64 of 32 bytes).</summary>
    public string PublicKey { get; }

    /// <summary>Creates a new key pair from the system's cryptographic random generator.</summary>
    /// <returns>The key pair.</returns>
    public static WireGuardKeyPair Generate() => new(RandomNumberGenerator.GetBytes(KeyLength));

    /// <summary>Loads a key pair from a private key in WireGuard's text form (what <c>wg genkey</c> prints).</summary>
    /// <param name="privateKey">Base64 of 32 bytes; surrounding white space is ignored.</param>
    /// <returns>The key pair (the key clamped as WireGuard clamps it).</returns>
    /// <exception cref="VpnException">The text is not Base64 of 32 bytes (the message does not repeat it).</exception>
    public static WireGuardKeyPair FromPrivateKey(string privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!TryDecodeKey(privateKey.Trim(), out var bytes))
        {
            throw new VpnException($"WireGuard private key: expected Base64 of {KeyLength} bytes, got {privateKey.Trim().Length} characters that are not");
        }

        return new WireGuardKeyPair(bytes);
    }

    /// <summary>
    /// Loads the node's key pair from <see cref="FileName"/> in <paramref name="directory"/>, or creates it there (mode
    /// 0600, written atomically) on the node's first start.
    /// </summary>
    /// <param name="directory">A directory only the node's daemon can write (created if missing, mode 0700).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The key pair.</returns>
    /// <exception cref="VpnException">The file exists but is readable by others than its owner, or holds no WireGuard private key.</exception>
    public static async Task<WireGuardKeyPair> LoadOrCreateAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = PrivateKeyPath(directory);
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & ~AtomicFile.OwnerOnly) != 0)
                {
                    throw new VpnException($"WireGuard private key file {path}: expected mode 0600 (owner only), got {Convert.ToString((int)mode, 8)}");
                }
            }

            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            try
            {
                return FromPrivateKey(text);
            }
            catch (VpnException ex)
            {
                throw new VpnException($"WireGuard private key file {path}: {ex.Message}", ex);
            }
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var pair = Generate();
        var encoded = System.Text.Encoding.ASCII.GetBytes(pair.ExportPrivateKey() + "\n");
        try
        {
            AtomicFile.Replace(path, encoded, AtomicFile.OwnerOnly);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }

        return pair;
    }

    /// <summary>Gets where <see cref="LoadOrCreateAsync"/> keeps the private key in <paramref name="directory"/>.</summary>
    /// <param name="directory">The key directory.</param>
    /// <returns>The file path (what <c>wg set … private-key</c> reads).</returns>
    public static string PrivateKeyPath(string directory) => Path.Combine(directory, FileName);

    /// <summary>Checks whether <paramref name="text"/> is a WireGuard key in text form (Base64 of exactly 32 bytes).</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> if it is.</returns>
    public static bool IsKeyText(string? text) => text is not null && TryDecodeKey(text, out _);

    /// <summary>Exports the private key in WireGuard's text form. It is a secret: only for the node's own key file or tools.</summary>
    /// <returns>Base64 of the 32 private key bytes.</returns>
    public string ExportPrivateKey()
    {
        ObjectDisposedException.ThrowIf(_privateKey.AsSpan().IndexOfAnyExcept((byte)0) < 0, this);
        return Convert.ToBase64String(_privateKey);
    }

    /// <inheritdoc />
    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);

    /// <summary>Describes the key pair by its public key.</summary>
    /// <returns>The public key; never the private one.</returns>
    public override string ToString() => $"WireGuard key pair (public key {PublicKey})";

    private static bool TryDecodeKey(string text, out byte[] key)
    {
        key = new byte[KeyLength];

        // Base64 of 32 bytes is exactly 44 characters ending in one '='; anything else is not WireGuard's text form.
        return text.Length == 44 && Convert.TryFromBase64String(text, key, out var written) && written == KeyLength;
    }

    private static void Clamp(byte[] key)
    {
        // Curve25519 clamping (what wg genkey and the kernel apply): a multiple of the cofactor 8, bit 254 set, bit 255 clear.
        key[0] &= 248;
        key[31] &= 127;
        key[31] |= 64;
    }
}
