using System;
using System.Globalization;
using System.IO;
using Constellation.Attestation;
using Constellation.Attestation.Collateral;

namespace Constellation.Cli.Commands.Evidence;

/// <summary>Reading evidence files and option values the same way for every family; failures are "unusable input".</summary>
internal static class EvidenceInput
{
    /// <summary>Reads <paramref name="file"/> (bounded by <paramref name="cap"/>) and parses it, turning a missing or unusable file or a format error into one clear line.</summary>
    /// <param name="file">The file named on the command line.</param>
    /// <param name="role">What the file is in the command, e.g. "report" (starts the message when the file is unusable).</param>
    /// <param name="cap">The format's cap; its kind (e.g. "an SEV-SNP report") is used when the bytes do not parse.</param>
    /// <param name="parse">The family's strict parser.</param>
    public static T ReadFile<T>(FileInfo file, string role, InputCap cap, Func<byte[], T> parse)
    {
        var bytes = InputFile.ReadBytes(file.FullName, role, cap);
        try
        {
            return parse(bytes);
        }
        catch (AttestationFormatException ex)
        {
            throw new UnusableInputException($"{file.Name} is not {cap.Kind}: {ex.Message}");
        }
    }

    /// <summary>The collateral settings of <c>--offline</c> and <c>--cache-dir</c> (the library's defaults otherwise), for <see cref="CollateralClients.Create(CollateralClientOptions, Attestation.Diagnostics.AttestationMetrics?, TimeProvider?)"/>.</summary>
    public static CollateralClientOptions CollateralOptions(bool offline, DirectoryInfo? cacheDir) =>
        new() { Offline = offline, CacheDirectory = cacheDir?.FullName };

    /// <summary>Parses an <c>--at</c> value (RFC 3339, UTC when no offset is given); <see langword="null"/> when absent.</summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new UnusableInputException($"--at \"{text}\" is not an RFC 3339 time (e.g. 2026-01-01T00:00:00Z)");
    }

    /// <summary>Parses a hex option of an exact byte length; <see langword="null"/> when absent.</summary>
    /// <param name="text">The option value.</param>
    /// <param name="option">The option name, for the error.</param>
    /// <param name="length">The required length in bytes.</param>
    /// <returns>The bytes, or <see langword="null"/>.</returns>
    public static byte[]? ParseHex(string? text, string option, int length)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new UnusableInputException($"{option}: expected hex, got \"{text}\"");
        }

        return bytes.Length == length
            ? bytes
            : throw new UnusableInputException($"{option}: expected {length} bytes ({2 * length} hex digits), got {bytes.Length}");
    }
}
