using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.IO;

/// <summary>
/// Reads whole files whose size the library can bound (policy files, stored collateral, cache entries): only a regular
/// file of at most a given size is read, and never more than that, so a FIFO, a device or a huge file in a configured
/// path fails at once instead of blocking or exhausting memory.
/// </summary>
/// <remarks>
/// .NET has no API for the file type, but devices, FIFOs and sockets report a size of 0: such a path is refused before
/// it is opened (opening a FIFO blocks until a writer appears). After opening, the read stops one byte past the cap,
/// so a file that grows or is replaced while read is still refused. Stateless and thread-safe.
/// </remarks>
internal static class BoundedFile
{
    /// <summary>Reads a file of 1 to <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size the format can have.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory of the path does not exist.</exception>
    /// <exception cref="IOException">The file is empty, not a regular file, larger than <paramref name="maxBytes"/>, or unreadable.</exception>
    public static async Task<byte[]> ReadAsync(string path, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        // A link's own size is that of its target's name: judge what it points to.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        }

        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: not found", path);
        }

        if (info.Length == 0)
        {
            throw new IOException($"{path}: empty or not a regular file (a device, FIFO or socket)");
        }

        if (info.Length > maxBytes)
        {
            throw new IOException($"{path}: {info.Length} bytes, more than the {maxBytes} bytes this file can hold");
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[Math.Min(stream.Length, maxBytes) + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read > maxBytes)
        {
            throw new IOException($"{path}: grew past the {maxBytes} bytes this file can hold while it was read");
        }

        if (read == 0)
        {
            throw new IOException($"{path}: empty");
        }

        return read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray();
    }
}
