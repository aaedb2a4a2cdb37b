using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.ConfigFsTsm;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Issuers;

/// <summary>
/// Gets TD quotes through Linux configfs-tsm with the shared <see cref="TsmReportClient"/> (provider <c>tdx_guest</c>,
/// REPORTDATA as <c>inblob</c>, the quote from <c>outblob</c>), and checks the quote's REPORTDATA against what was
/// written, so a stale or foreign quote is never returned.
/// </summary>
/// <remarks>Thread-safe when <see cref="ConfigFsTsmOptions.EntryName"/> is null (each call uses its own entry).</remarks>
public sealed class ConfigFsTsmQuoteProvider : ITdxQuoteProvider
{
    private const string Provider = "tdx_guest";
    private readonly TsmReportClient _client;

    /// <summary>Creates a provider.</summary>
    /// <param name="options">The configfs-tsm report directory and entry handling; default the kernel's.</param>
    /// <param name="fileSystem">The file system, default the real one.</param>
    public ConfigFsTsmQuoteProvider(ConfigFsTsmOptions? options = null, ITsmFileSystem? fileSystem = null) =>
        _client = new TsmReportClient(options, fileSystem);

    /// <summary>Gets the configfs-tsm options in force.</summary>
    public ConfigFsTsmOptions Options => _client.Options;

    /// <inheritdoc />
    public async ValueTask<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
    {
        if (reportData.Length != 64)
        {
            throw new ArgumentException($"REPORTDATA must be 64 bytes, got {reportData.Length}", nameof(reportData));
        }

        var answer = await _client.GetReportAsync(new TsmReportRequest { Provider = Provider, InBlob = reportData }, cancellationToken).ConfigureAwait(false);
        var quote = answer.OutBlob.ToArray();
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
}
