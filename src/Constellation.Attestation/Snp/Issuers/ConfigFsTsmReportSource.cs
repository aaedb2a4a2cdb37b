using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.ConfigFsTsm;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>
/// Gets SEV-SNP reports through the Linux configfs-tsm interface with the shared <see cref="TsmReportClient"/> (provider
/// <c>sev_guest</c>, REPORT_DATA as <c>inblob</c>, the VMPL as <c>privlevel</c>, the certificate table from
/// <c>auxblob</c>), and checks the report answers this request.
/// </summary>
/// <remarks>Thread-safe when <see cref="ConfigFsTsmOptions.EntryName"/> is null (each call uses its own entry, removed afterwards).</remarks>
public sealed class ConfigFsTsmReportSource : ISnpReportSource
{
    private const string Provider = "sev_guest";
    private readonly TsmReportClient _client;

    /// <summary>Creates a source.</summary>
    /// <param name="options">The configfs-tsm report directory and entry handling; default the kernel's.</param>
    /// <param name="fileSystem">The file system, default the real one.</param>
    public ConfigFsTsmReportSource(ConfigFsTsmOptions? options = null, ITsmFileSystem? fileSystem = null)
    {
        _client = new TsmReportClient(options, fileSystem);
    }

    /// <summary>Gets the configfs-tsm options in force.</summary>
    public ConfigFsTsmOptions Options => _client.Options;

    /// <inheritdoc />
    public async Task<SnpGuestReport> GetReportAsync(ReadOnlyMemory<byte> reportData, uint vmpl = 0, CancellationToken cancellationToken = default)
    {
        SnpReportChecks.CheckRequest(reportData, vmpl);
        var answer = await _client.GetReportAsync(new TsmReportRequest { Provider = Provider, InBlob = reportData, PrivilegeLevel = vmpl }, cancellationToken).ConfigureAwait(false);
        var report = SnpReportChecks.ParseAnswer(answer.OutBlob.Span, reportData, vmpl, "configfs-tsm");
        return new SnpGuestReport(report, answer.AuxBlob.Span);
    }
}
