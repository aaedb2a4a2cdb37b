using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.ConfigFsTsm;

/// <summary>
/// Gets reports through the Linux configfs-tsm interface (<c>/sys/kernel/config/tsm/report</c>), for every TEE that
/// offers one: creates a report entry, checks its <c>provider</c>, writes <c>inblob</c> (and <c>privlevel</c> when asked),
/// reads <c>outblob</c> and, if present, <c>auxblob</c>, checks <c>generation</c> did not move while reading — which would
/// mean another writer changed the request — and removes the entry.
/// </summary>
/// <remarks>
/// Thread-safe when <see cref="ConfigFsTsmOptions.EntryName"/> is null (each call uses its own entry). The SEV-SNP report
/// source and the TDX quote provider are built on it; they parse the blob and check it answers their request.
/// </remarks>
public sealed class TsmReportClient
{
    private readonly ITsmFileSystem _fs;

    /// <summary>Creates a client.</summary>
    /// <param name="options">The report directory and entry handling; default the kernel's.</param>
    /// <param name="fileSystem">The file system, default the real one.</param>
    public TsmReportClient(ConfigFsTsmOptions? options = null, ITsmFileSystem? fileSystem = null)
    {
        Options = options ?? new ConfigFsTsmOptions();
        ArgumentException.ThrowIfNullOrEmpty(Options.ReportDirectory, nameof(options));
        _fs = fileSystem ?? PhysicalTsmFileSystem.Instance;
    }

    /// <summary>Gets the options in force.</summary>
    public ConfigFsTsmOptions Options { get; }

    /// <summary>Requests one report.</summary>
    /// <param name="request">The provider, inblob and privilege level.</param>
    /// <param name="cancellationToken">Cancels the operation; the entry is still removed.</param>
    /// <returns>The blobs, read under one generation.</returns>
    /// <exception cref="AttestationException">configfs-tsm is missing, the entry belongs to another provider, has no
    /// <c>privlevel</c> for a non-zero level, or another writer changed it while it was read.</exception>
    /// <exception cref="AttestationFormatException"><c>generation</c> is not a number.</exception>
    public async Task<TsmReport> GetReportAsync(TsmReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Provider, nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        var root = Options.ReportDirectory;
        if (!_fs.DirectoryExists(root))
        {
            throw new AttestationException($"configfs-tsm is not available: {root} does not exist (kernel without CONFIG_TSM_REPORTS, configfs not mounted, or not a confidential guest)");
        }

        var entry = Path.Combine(root, Options.EntryName ?? "constellation-" + Guid.NewGuid().ToString("N"));
        _fs.CreateDirectory(entry);
        try
        {
            // Checked before anything is written: the request's data is never handed to another TEE's provider.
            var provider = (await ReadTextAsync(entry, "provider", cancellationToken).ConfigureAwait(false)).Trim();
            if (provider != request.Provider)
            {
                throw new AttestationException($"configfs-tsm provider: expected {request.Provider}, got \"{provider}\" (not a guest of that TEE)");
            }

            await _fs.WriteAllBytesAsync(Path.Combine(entry, "inblob"), request.InBlob.ToArray(), cancellationToken).ConfigureAwait(false);
            if (request.PrivilegeLevel is { } level)
            {
                var privlevel = Path.Combine(entry, "privlevel");
                if (_fs.FileExists(privlevel))
                {
                    await _fs.WriteAllBytesAsync(privlevel, Encoding.ASCII.GetBytes(level.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
                }
                else if (level != 0)
                {
                    throw new AttestationException($"configfs-tsm entry has no privlevel attribute, so privilege level {level} cannot be requested");
                }
            }

            var before = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);
            var outblob = await _fs.ReadAllBytesAsync(Path.Combine(entry, "outblob"), cancellationToken).ConfigureAwait(false);
            var auxPath = Path.Combine(entry, "auxblob");
            var auxblob = _fs.FileExists(auxPath) ? await _fs.ReadAllBytesAsync(auxPath, cancellationToken).ConfigureAwait(false) : [];
            var after = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);
            if (before != after)
            {
                throw new AttestationException($"configfs-tsm entry {entry} was changed by another writer while the report was read (generation {before} → {after})");
            }

            return new TsmReport(provider, outblob, auxblob, after);
        }
        finally
        {
            if (Options.RemoveEntry)
            {
                _fs.RemoveDirectory(entry);
            }
        }
    }

    private async Task<string> ReadTextAsync(string entry, string attribute, CancellationToken cancellationToken) =>
        Encoding.ASCII.GetString(await _fs.ReadAllBytesAsync(Path.Combine(entry, attribute), cancellationToken).ConfigureAwait(false));

    private async Task<long> ReadGenerationAsync(string entry, CancellationToken cancellationToken)
    {
        var text = (await ReadTextAsync(entry, "generation", cancellationToken).ConfigureAwait(false)).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : throw new AttestationFormatException($"configfs-tsm generation is not a number: \"{text}\"");
    }
}
