using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Constellation.Cli.Commands;

/// <summary>
/// Every file the CLI reads goes through here: only a regular file of 1 to <see cref="InputCap.MaxBytes"/> bytes is
/// read, and never more than its size, so <c>/dev/zero</c>, a FIFO, a pipe or a huge sparse file fails at once with
/// one line naming the file and the cap. Failures are <see cref="UnusableInputException"/> (exit 2).
/// </summary>
/// <remarks>
/// .NET has no API for the file type (dotnet/runtime#85148), but its file size is stat's st_size, which is 0 for
/// devices, FIFOs and sockets: a zero size is refused before the file is opened, because opening a FIFO blocks until
/// a writer appears. After opening, the handle's own size is checked again and the read stops one byte past it, so a
/// file replaced by a larger one or a device after the check, or growing while read, is still refused; only a FIFO
/// swapped in between the check and the open could block that open (the user's own paths: a hang, never a verdict).
/// </remarks>
internal static class InputFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a whole input file.</summary>
    /// <param name="path">The path given on the command line.</param>
    /// <param name="role">What the file is in the command, e.g. "report" or "--signer", to start each message with.</param>
    /// <param name="cap">The format's cap.</param>
    /// <param name="secret">Zero every buffer but the returned one (the caller zeroes that after use).</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="UnusableInputException">The file is missing, not a regular file, empty, over the cap or unreadable.</exception>
    public static byte[] ReadBytes(string path, string role, InputCap cap, bool secret = false)
    {
        var fullPath = FullPath(path, role);
        try
        {
            CheckBeforeOpening(fullPath, role, cap);
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var length = stream.CanSeek ? stream.Length : 0;
            CheckSize(fullPath, role, cap, length);
            return ReadAtMost(stream, (int)length, fullPath, role, cap, secret);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UnusableInputException($"{role} {fullPath}: {ex.Message}");
        }
    }

    /// <summary>Reads a whole input file as UTF-8 text (a byte order mark is skipped; invalid UTF-8 is refused).</summary>
    /// <param name="path">The path given on the command line.</param>
    /// <param name="role">What the file is in the command.</param>
    /// <param name="cap">The format's cap.</param>
    /// <returns>The text.</returns>
    /// <exception cref="UnusableInputException">As for <see cref="ReadBytes"/>, or the bytes are not UTF-8.</exception>
    public static string ReadText(string path, string role, InputCap cap)
    {
        var bytes = ReadBytes(path, role, cap);
        var text = bytes.AsSpan();
        if (text.StartsWith(Encoding.UTF8.Preamble))
        {
            text = text[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            return StrictUtf8.GetString(text);
        }
        catch (DecoderFallbackException)
        {
            throw new UnusableInputException($"{role} {FullPath(path, role)}: unusable input: not UTF-8 text, expected {cap.Kind}");
        }
    }

    /// <summary>
    /// Checks a file that another component will read (the TDX collateral directory is read by the library): it must
    /// be what <see cref="ReadBytes"/> would read. Absent files pass; the reader decides whether it needs them.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="role">What the file is in the command.</param>
    /// <param name="cap">The format's cap.</param>
    /// <exception cref="UnusableInputException">The file exists but is not a regular file, is empty or is over the cap.</exception>
    public static void CheckIfPresent(string path, string role, InputCap cap)
    {
        var fullPath = FullPath(path, role);
        if (!File.Exists(fullPath) && !Directory.Exists(fullPath) && new FileInfo(fullPath).LinkTarget is null)
        {
            return;
        }

        try
        {
            CheckBeforeOpening(fullPath, role, cap);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UnusableInputException($"{role} {fullPath}: {ex.Message}");
        }
    }

    private static string FullPath(string path, string role) =>
        // Path.GetFullPath throws on these two; for the user they are a usage error, not a crash.
        string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal)
            ? throw new UnusableInputException($"{role}: \"{path.Replace("\0", "\\0", StringComparison.Ordinal)}\" is not a file path")
            : Path.GetFullPath(path);

    private static void CheckBeforeOpening(string fullPath, string role, InputCap cap)
    {
        if (Directory.Exists(fullPath))
        {
            throw new UnusableInputException($"{role} {fullPath}: unusable input: a directory, expected {cap.Kind} (at most {cap.MaxBytes} bytes)");
        }

        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            throw new UnusableInputException($"{role} file not found: {fullPath}");
        }

        // The size of a symbolic link is the link's own; judge what it finally points to. A link to a pipe or socket
        // (/dev/stdin, /dev/fd/N) points to a name like "pipe:[1234]" that does not exist: size 0, refused.
        var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
        CheckSize(fullPath, role, cap, target is { Exists: true } ? target.Length : 0);
    }

    private static void CheckSize(string fullPath, string role, InputCap cap, long length)
    {
        if (length <= 0)
        {
            throw new UnusableInputException(
                $"{role} {fullPath}: unusable input: not a regular file with content (devices, FIFOs, pipes, sockets and empty files are refused); {cap.Kind} is read from a regular file of at most {cap.MaxBytes} bytes");
        }

        if (length > cap.MaxBytes)
        {
            throw new UnusableInputException($"{role} {fullPath}: unusable input: {length} bytes, over the {cap.MaxBytes}-byte cap for {cap.Kind}");
        }
    }

    private static byte[] ReadAtMost(FileStream stream, int length, string fullPath, string role, InputCap cap, bool secret)
    {
        // One byte more than the size, to notice a file that grows while it is read.
        var buffer = new byte[length + 1];
        try
        {
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer.AsSpan(total))) > 0)
            {
                total += read;
            }

            if (total > length)
            {
                throw new UnusableInputException(
                    $"{role} {fullPath}: unusable input: it grew past its size of {length} bytes while being read; the cap for {cap.Kind} is {cap.MaxBytes} bytes");
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            if (secret)
            {
                CryptographicOperations.ZeroMemory(buffer);
            }
        }
    }
}
