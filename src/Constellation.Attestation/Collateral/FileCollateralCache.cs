using System;
using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.IO;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// A persistent collateral cache: one file per entry in a directory (by default
/// <see cref="CollateralCacheDirectory.GetDefault"/>).
/// </summary>
/// <remarks>
/// <para>Writes are atomic: an entry is written to a temporary file in the same directory, flushed to disk and
/// renamed over the final name, so a crash leaves either the old entry or the new one, never a torn file.</para>
/// <para>Every file carries a SHA-256 checksum and the key it was stored under. A file that fails these checks
/// (damaged disk, manual edits) is reported as a miss and deleted, so the caller fetches the collateral again;
/// collateral is always verified after it is read, so this never turns a bad entry into a trusted one.</para>
/// <para>Thread-safe and safe across processes sharing the directory (last writer wins).</para>
/// </remarks>
public sealed class FileCollateralCache : ICollateralCache
{
    private static ReadOnlySpan<byte> Magic => "CNCE"u8;

    private const byte FormatVersion = 1;
    private const int HeaderSize = 4 + 1 + 8 + 1 + 8 + 4;

    // The largest collateral stored is a CRL or a certificate chain of a few KiB to a few hundred KiB; 16 MiB bounds
    // what a damaged or replaced entry (a device, a FIFO, a huge file) can make a validator read.
    private const int MaxEntryBytes = 16 * 1024 * 1024;

    /// <summary>Creates a cache in the default directory (<see cref="CollateralCacheDirectory.GetDefault"/>).</summary>
    public FileCollateralCache()
        : this(CollateralCacheDirectory.GetDefault())
    {
    }

    /// <summary>Creates a cache in <paramref name="directory"/> (created on first write).</summary>
    /// <param name="directory">The cache directory.</param>
    public FileCollateralCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>Gets the absolute cache directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public async ValueTask<CollateralEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var path = PathFor(key);
        byte[] bytes;
        try
        {
            bytes = await BoundedFile.ReadAsync(path, MaxEntryBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            // Not a regular file, empty or oversized: damaged like a bad checksum, so a miss, and the next fetch replaces it.
            TryDelete(path);
            return null;
        }

        var entry = Decode(bytes, key);
        if (entry is null)
        {
            TryDelete(path);
        }

        return entry;
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, CollateralEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(entry);
        System.IO.Directory.CreateDirectory(Directory);
        var finalPath = PathFor(key);
        var tempPath = Path.Combine(Directory, $".{Path.GetFileName(finalPath)}.{Guid.NewGuid():N}.tmp");
        var encoded = Encode(key, entry);
        try
        {
            var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(encoded, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathFor(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Gets the file that holds the entry for <paramref name="key"/> (whether or not it exists).</summary>
    /// <param name="key">The entry key.</param>
    /// <returns>The absolute file path.</returns>
    public string PathFor(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);

        // Keys are URIs with characters that are not portable in file names; their hash is.
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(Directory, name + ".entry");
    }

    private static byte[] Encode(string key, CollateralEntry entry)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var content = entry.Content.Span;
        var total = HeaderSize + keyBytes.Length + 4 + content.Length + SHA256.HashSizeInBytes;
        var buffer = new byte[total];
        var span = buffer.AsSpan();
        Magic.CopyTo(span);
        span[4] = FormatVersion;
        BinaryPrimitives.WriteInt64LittleEndian(span[5..], entry.StoredAt.ToUnixTimeMilliseconds());
        span[13] = entry.ExpiresAt.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(span[14..], entry.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[22..], keyBytes.Length);
        var offset = HeaderSize;
        keyBytes.CopyTo(span[offset..]);
        offset += keyBytes.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], content.Length);
        offset += 4;
        content.CopyTo(span[offset..]);
        offset += content.Length;
        SHA256.HashData(span[..offset], span[offset..]);
        return buffer;
    }

    private static CollateralEntry? Decode(ReadOnlySpan<byte> data, string expectedKey)
    {
        if (data.Length < HeaderSize + 4 + SHA256.HashSizeInBytes || !data[..4].SequenceEqual(Magic) || data[4] != FormatVersion)
        {
            return null;
        }

        var body = data[..^SHA256.HashSizeInBytes];
        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, checksum);
        if (!CryptographicOperations.FixedTimeEquals(checksum, data[^SHA256.HashSizeInBytes..]))
        {
            return null;
        }

        var storedAtMs = BinaryPrimitives.ReadInt64LittleEndian(body[5..]);
        var hasExpiry = body[13];
        var expiresAtMs = BinaryPrimitives.ReadInt64LittleEndian(body[14..]);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(body[22..]);
        if (hasExpiry > 1 || keyLength < 0 || keyLength > body.Length - HeaderSize - 4)
        {
            return null;
        }

        var offset = HeaderSize;
        if (!Encoding.UTF8.GetString(body.Slice(offset, keyLength)).Equals(expectedKey, StringComparison.Ordinal))
        {
            return null;
        }

        offset += keyLength;
        var contentLength = BinaryPrimitives.ReadInt32LittleEndian(body[offset..]);
        offset += 4;
        if (contentLength != body.Length - offset)
        {
            return null;
        }

        try
        {
            var storedAt = DateTimeOffset.FromUnixTimeMilliseconds(storedAtMs);
            DateTimeOffset? expiresAt = hasExpiry == 1 ? DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs) : null;
            return expiresAt < storedAt ? null : new CollateralEntry(body[offset..], storedAt, expiresAt);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another process may hold or have replaced it; the next write replaces it atomically anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // Same reasoning: a read-only cache directory is still usable for reads.
        }
    }
}
