using System;
using System.IO;

namespace Constellation.Cluster.Bootstrapper.StateDisk;

/// <summary>A state disk kept in an image file: created sparse, so an unused disk costs no space.</summary>
public static class StateDiskImage
{
    /// <summary>The smallest image that holds a LUKS2 header (16 MiB) and a little data.</summary>
    public const int MinimumSizeMiB = 20;

    /// <summary>Creates a sparse image of <paramref name="sizeMiB"/> MiB unless the file exists.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="sizeMiB">The size in MiB, at least <see cref="MinimumSizeMiB"/>.</param>
    /// <returns><see langword="true"/> if the image was created; <see langword="false"/> if it already existed (left as it is).</returns>
    public static bool CreateIfMissing(string path, int sizeMiB)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeMiB, MinimumSizeMiB);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            using var image = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            image.SetLength(sizeMiB * 1024L * 1024L);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
