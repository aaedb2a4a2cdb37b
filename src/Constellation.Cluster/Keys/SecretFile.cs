using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.Keys;

/// <summary>Writes files that hold secrets: created new with mode 0600 so no other user can ever read them.</summary>
public static class SecretFile
{
    /// <summary>Creates <paramref name="path"/> with mode 0600 and writes <paramref name="content"/>; fails if the file exists.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="content">The secret content.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the content is flushed.</returns>
    /// <exception cref="IOException">The file already exists or cannot be created.</exception>
    public static async Task WriteNewAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation time (open(2) mode), so there is no window in which the file is world-readable.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
