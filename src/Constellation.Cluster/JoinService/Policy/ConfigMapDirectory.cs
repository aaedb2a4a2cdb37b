using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Cluster.JoinService.Policy;

/// <summary>
/// Writes a directory the way the kubelet updates a mounted ConfigMap: every version goes into a fresh
/// <c>..&lt;timestamp&gt;</c> directory, <c>..data</c> is a symbolic link renamed atomically onto the newest version,
/// and each key is a symbolic link <c>key → ..data/key</c>. Readers following the links therefore see one complete
/// version, never a mix. Used by the local cluster to publish the join service's policy.
/// </summary>
/// <remarks>Not safe for concurrent writers to the same directory; readers may read at any time.</remarks>
public sealed class ConfigMapDirectory
{
    private const string DataLink = "..data";

    /// <summary>Creates a writer for <paramref name="path"/> (created on the first write).</summary>
    /// <param name="path">The mount directory.</param>
    public ConfigMapDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Gets the mount directory.</summary>
    public string Path { get; }

    /// <summary>Gets the path a reader uses for <paramref name="key"/>.</summary>
    /// <param name="key">The ConfigMap key.</param>
    /// <returns>The file path.</returns>
    public string PathOf(string key) => System.IO.Path.Combine(Path, ValidKey(key));

    /// <summary>Publishes a new version with exactly these keys, then removes the previous version.</summary>
    /// <param name="data">Key → content.</param>
    /// <param name="cancellationToken">Cancels before the swap.</param>
    /// <returns>A task that completes when the new version is visible.</returns>
    public async Task WriteAsync(IReadOnlyDictionary<string, byte[]> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        Directory.CreateDirectory(Path);
        var version = ".." + DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
        var versionDirectory = System.IO.Path.Combine(Path, version);
        Directory.CreateDirectory(versionDirectory);
        foreach (var (key, content) in data)
        {
            await File.WriteAllBytesAsync(System.IO.Path.Combine(versionDirectory, ValidKey(key)), content, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var dataLink = System.IO.Path.Combine(Path, DataLink);
        var previous = File.Exists(dataLink) || Directory.Exists(dataLink) ? new FileInfo(dataLink).LinkTarget : null;
        var staged = System.IO.Path.Combine(Path, DataLink + "_tmp");
        if (new FileInfo(staged).LinkTarget is not null)
        {
            File.Delete(staged);
        }

        File.CreateSymbolicLink(staged, version);

        // rename(2) replaces the old link in one step: the swap readers observe. (File.Move refuses a link to a directory.)
        if (Rename(staged, dataLink) != 0)
        {
            throw new IOException($"ConfigMap {Path}: swapping {DataLink} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        foreach (var key in data.Keys)
        {
            var link = System.IO.Path.Combine(Path, key);
            if (new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, System.IO.Path.Combine(DataLink, key));
            }
        }

        if (previous is not null && !string.Equals(previous, version, StringComparison.Ordinal) && previous.StartsWith("..", StringComparison.Ordinal))
        {
            Directory.Delete(System.IO.Path.Combine(Path, previous), recursive: true);
        }
    }

    private static int Rename(string oldPath, string newPath) => RenameNative(NulTerminated(oldPath), NulTerminated(newPath));

    private static byte[] NulTerminated(string path) => [.. System.Text.Encoding.UTF8.GetBytes(path), 0];

    // Paths go over as NUL-terminated UTF-8 bytes: no string marshalling to get wrong.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int RenameNative(byte[] oldPath, byte[] newPath);

    private static string ValidKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key.StartsWith('.') || key.Any(c => c is '/' or '\0')
            ? throw new ArgumentException($"ConfigMap key: expected a plain file name, got \"{key}\"", nameof(key))
            : key;
    }
}
