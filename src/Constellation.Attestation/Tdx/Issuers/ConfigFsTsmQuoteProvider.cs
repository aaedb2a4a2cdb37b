using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Issuers;

/// <summary>
/// Gets TD quotes through Linux configfs-tsm: create a report entry, write REPORTDATA to <c>inblob</c>, read the quote from
/// <c>outblob</c>. The entry's <c>generation</c> counter detects a concurrent writer, and the quote's REPORTDATA is checked
/// against what was written, so a stale or foreign quote is never returned.
/// </summary>
/// <remarks>Thread-safe when <see cref="ConfigFsTsmOptions.EntryName"/> is null (each call uses its own entry).</remarks>
public sealed class ConfigFsTsmQuoteProvider : ITdxQuoteProvider
{
    private readonly ConfigFsTsmOptions options;

    /// <summary>Creates a provider.</summary>
    /// <param name="options">Paths and entry handling; default the kernel's.</param>
    public ConfigFsTsmQuoteProvider(ConfigFsTsmOptions? options = null) => this.options = options ?? new ConfigFsTsmOptions();

    /// <inheritdoc />
    public async ValueTask<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
    {
        if (reportData.Length != 64)
        {
            throw new ArgumentException($"REPORTDATA must be 64 bytes, got {reportData.Length}", nameof(reportData));
        }

        if (!Directory.Exists(options.ReportDirectory))
        {
            throw new AttestationException($"configfs-tsm report directory {options.ReportDirectory} does not exist (is this a TDX guest with configfs mounted?)");
        }

        var entry = Path.Combine(options.ReportDirectory, options.EntryName ?? "constellation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(entry);
        try
        {
            var provider = (await File.ReadAllTextAsync(Path.Combine(entry, "provider"), cancellationToken).ConfigureAwait(false)).Trim();
            if (provider != "tdx_guest")
            {
                throw new AttestationException($"configfs-tsm provider: expected tdx_guest, got \"{provider}\"");
            }

            await File.WriteAllBytesAsync(Path.Combine(entry, "inblob"), reportData.ToArray(), cancellationToken).ConfigureAwait(false);
            var before = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);
            var quote = await File.ReadAllBytesAsync(Path.Combine(entry, "outblob"), cancellationToken).ConfigureAwait(false);
            var after = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);
            if (before != after)
            {
                throw new AttestationException($"configfs-tsm entry {entry} was changed by another writer while the quote was read (generation {before} → {after})");
            }

            TdxQuote parsed;
            try
            {
                parsed = TdxQuote.Parse(quote);
            }
            catch (AttestationFormatException ex)
            {
                throw new AttestationFormatException($"configfs-tsm outblob is not a TDX quote: {ex.Message}", ex);
            }

            if (!parsed.Body.ReportData.SequenceEqual(reportData.Span))
            {
                throw new AttestationBindingException("configfs-tsm quote REPORTDATA", Convert.ToHexStringLower(reportData.Span), Convert.ToHexStringLower(parsed.Body.ReportData));
            }

            return quote;
        }
        finally
        {
            if (options.RemoveEntry)
            {
                Directory.Delete(entry, recursive: false);
            }
        }
    }

    private static async Task<long> ReadGenerationAsync(string entry, CancellationToken cancellationToken)
    {
        var text = (await File.ReadAllTextAsync(Path.Combine(entry, "generation"), cancellationToken).ConfigureAwait(false)).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var g)
            ? g
            : throw new AttestationFormatException($"configfs-tsm generation is not a number: \"{text}\"");
    }
}
