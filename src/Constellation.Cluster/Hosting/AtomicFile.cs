using System;
using System.IO;
using System.Security.Cryptography;

namespace Constellation.Cluster.Hosting;

/// <summary>
/// Replaces files so that a reader, or a process that restarts after a crash, sees the old or the new content, never
/// a partial one: the bytes go to a temporary file in the same directory, created with its final mode, flushed to
/// disk, then renamed over the target (<c>rename(2)</c> is atomic within a file system).
/// </summary>
public static class AtomicFile
{
    /// <summary>The mode of files that hold credentials (disk UUIDs, keys): owner read/write only.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The mode of files anyone on the machine may read (status).</summary>
    public const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing it whole.</summary>
    /// <param name="path">The file.</param>
    /// <param name="content">The new content.</param>
    /// <param name="mode">The file's mode (set when the temporary file is created, so there is no wider window).</param>
    /// <exception cref="IOException">The file could not be written or renamed.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
