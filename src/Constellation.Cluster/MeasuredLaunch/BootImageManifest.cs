using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// The canonical manifest of a published bootstrapper directory: what the measured launch hashes into PCR 4 as the
/// boot application. One line per regular file, sorted by the UTF-8 bytes of its relative path (<c>/</c>-separated):
/// <c>&lt;relative path&gt; NUL &lt;size in decimal&gt; NUL &lt;lowercase hex SHA-256 of the content&gt; LF</c>.
/// NUL cannot occur in a path, so no two directories give the same bytes. The image digest of a bank is that bank's
/// hash over these bytes.
/// </summary>
/// <remarks>
/// A symbolic link (to a file or a directory) or a device is refused: a link would let the measured bytes differ from
/// what the runtime loads.
/// </remarks>
public sealed class BootImageManifest
{
    private readonly byte[] _bytes;

    private BootImageManifest(byte[] bytes, int fileCount)
    {
        _bytes = bytes;
        FileCount = fileCount;
    }

    /// <summary>Gets the manifest bytes.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Gets the number of files the manifest lists.</summary>
    public int FileCount { get; }

    /// <summary>Builds the manifest of a directory.</summary>
    /// <param name="directory">The published bootstrapper directory.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The directory holds no file, or an entry that is neither a regular file nor a directory.</exception>
    public static BootImageManifest FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = new DirectoryInfo(Path.GetFullPath(directory));
        if (!root.Exists)
        {
            throw new DirectoryNotFoundException($"boot image: directory {root.FullName} does not exist");
        }

        var files = new List<(byte[] Path, FileInfo File)>();
        Collect(root, string.Empty, files);
        if (files.Count == 0)
        {
            throw new IOException($"boot image: directory {root.FullName}: expected the published bootstrapper files, got no file");
        }

        files.Sort((a, b) => a.Path.AsSpan().SequenceCompareTo(b.Path));
        using var manifest = new MemoryStream();
        foreach (var (path, file) in files)
        {
            byte[] digest;
            long size;
            using (var stream = file.OpenRead())
            {
                size = stream.Length;
                digest = SHA256.HashData(stream);
            }

            manifest.Write(path);
            manifest.WriteByte(0);
            manifest.Write(Encoding.ASCII.GetBytes(size.ToString(CultureInfo.InvariantCulture)));
            manifest.WriteByte(0);
            manifest.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(digest)));
            manifest.WriteByte((byte)'\n');
        }

        return new BootImageManifest(manifest.ToArray(), files.Count);
    }

    private static void Collect(DirectoryInfo directory, string prefix, List<(byte[] Path, FileInfo File)> files)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var relative = prefix + entry.Name;
            if (entry.LinkTarget is not null)
            {
                throw new IOException($"boot image: {relative}: expected a regular file or directory, got a symbolic link to {entry.LinkTarget}");
            }

            if (entry is DirectoryInfo child)
            {
                Collect(child, relative + "/", files);
            }
            else if (entry is FileInfo file && (file.Attributes & FileAttributes.Device) == 0)
            {
                files.Add((Encoding.UTF8.GetBytes(relative), file));
            }
            else
            {
                throw new IOException($"boot image: {relative}: expected a regular file or directory, got {entry.Attributes}");
            }
        }
    }
}
