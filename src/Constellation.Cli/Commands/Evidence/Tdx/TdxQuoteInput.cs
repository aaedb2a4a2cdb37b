using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Tdx;

namespace Constellation.Cli.Commands.Evidence.Tdx;

/// <summary>Reads the files and values the tdx-quote commands take; failures are "unusable input" (exit 2).</summary>
internal static class TdxQuoteInput
{
    /// <summary>Reads a quote; bytes after the quote are tolerated (go-tdx-guest does) and reported by the caller.</summary>
    public static TdxQuote ReadQuote(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new TdxInputException($"quote file not found: {file.FullName}");
        }

        try
        {
            return TdxQuote.Parse(File.ReadAllBytes(file.FullName), TdxQuoteParseOptions.Lenient);
        }
        catch (AttestationFormatException ex)
        {
            throw new TdxInputException($"{file.Name} is not a TDX quote: {ex.Message}");
        }
    }

    public static async Task<TdxCollateral> ReadCollateralAsync(DirectoryInfo dir, CancellationToken cancellationToken)
    {
        if (!dir.Exists)
        {
            throw new TdxInputException($"collateral directory not found: {dir.FullName}");
        }

        try
        {
            return await TdxCollateral.LoadDirectoryAsync(dir.FullName, cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationFormatException ex)
        {
            throw new TdxInputException($"collateral in {dir.FullName} is malformed: {ex.Message}");
        }
    }

    public static DateTimeOffset ParseTime(string? text, TimeProvider time)
    {
        if (string.IsNullOrEmpty(text))
        {
            return time.GetUtcNow();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new TdxInputException($"--at \"{text}\" is not an RFC 3339 time (e.g. 2026-01-01T00:00:00Z)");
    }
}

/// <summary>Input the command cannot use (exit 2).</summary>
internal sealed class TdxInputException(string message) : Exception(message);
