using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Constellation.Cli.Commands.Config;

/// <summary>
/// Writes files so that readers see either the old or the new content, never a partial one: the text goes to a
/// temporary file in the same directory, is flushed to disk, and is renamed over (or into) the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Creates a new file; fails if it exists (also if it appears while writing).</summary>
    public static void CreateNew(string path, string text)
    {
        var temp = WriteTemp(path, text);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Replaces a file whose current bytes must still be <paramref name="expectedCurrent"/>, keeping its permissions.</summary>
    /// <exception cref="UnusableInputException">The file is no longer a regular file within the configuration cap.</exception>
    public static void Replace(string path, string text, byte[] expectedCurrent)
    {
        var temp = WriteTemp(path, text);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            if (!InputFile.ReadBytes(path, "--config", InputCap.ConfigFile).AsSpan().SequenceEqual(expectedCurrent))
            {
                throw new IOException($"{path} changed while the measurements were fetched; not overwriting it");
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static string WriteTemp(string path, string text)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return temp;
    }
}
