using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>
/// Gets SEV-SNP reports through the Linux configfs-tsm interface (<c>/sys/kernel/config/tsm/report</c>): creates a
/// report entry, writes <c>inblob</c> and <c>privlevel</c>, checks <c>provider</c> is <c>sev_guest</c>, reads
/// <c>outblob</c> and (if present) <c>auxblob</c>, and checks <c>generation</c> did not move while reading — which
/// would mean another writer changed the request.
/// </summary>
/// <remarks>Thread-safe: each call uses its own entry directory, which is removed afterwards.</remarks>
public sealed class ConfigFsTsmReportSource : ISnpReportSource
{
    /// <summary>The kernel's configfs-tsm report directory.</summary>
    public const string DefaultRoot = "/sys/kernel/config/tsm/report";

    private readonly ITsmFileSystem _fs;

    /// <summary>Creates a source.</summary>
    /// <param name="root">The configfs-tsm report directory, default <see cref="DefaultRoot"/>.</param>
    /// <param name="fileSystem">The file system, default the real one.</param>
    public ConfigFsTsmReportSource(string root = DefaultRoot, ITsmFileSystem? fileSystem = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = root;
        _fs = fileSystem ?? PhysicalTsmFileSystem.Instance;
    }

    /// <summary>Gets the configfs-tsm report directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public Task<SnpGuestReport> GetReportAsync(ReadOnlyMemory<byte> reportData, uint vmpl = 0, CancellationToken cancellationToken = default)
    {
        SnpReportChecks.CheckRequest(reportData, vmpl);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_fs.DirectoryExists(Root))
        {
            throw new AttestationException($"configfs-tsm is not available: {Root} does not exist (kernel without CONFIG_TSM_REPORTS or configfs not mounted)");
        }

        var entry = Path.Combine(Root, "constellation-" + Guid.NewGuid().ToString("N"));
        _fs.CreateDirectory(entry);
        try
        {
            _fs.WriteAllBytes(Path.Combine(entry, "inblob"), reportData.ToArray());
            if (_fs.FileExists(Path.Combine(entry, "privlevel")))
            {
                _fs.WriteAllBytes(Path.Combine(entry, "privlevel"), Encoding.ASCII.GetBytes(vmpl.ToString(CultureInfo.InvariantCulture)));
            }
            else if (vmpl != 0)
            {
                throw new AttestationException($"configfs-tsm entry has no privlevel attribute, so VMPL {vmpl} cannot be requested");
            }

            var provider = Encoding.ASCII.GetString(_fs.ReadAllBytes(Path.Combine(entry, "provider"))).Trim();
            if (provider != "sev_guest")
            {
                throw new AttestationException($"configfs-tsm provider is \"{provider}\", expected \"sev_guest\" (not an SEV-SNP guest)");
            }

            var before = ReadGeneration(entry);
            var outblob = _fs.ReadAllBytes(Path.Combine(entry, "outblob"));
            var auxPath = Path.Combine(entry, "auxblob");
            var auxblob = _fs.FileExists(auxPath) ? _fs.ReadAllBytes(auxPath) : [];
            var after = ReadGeneration(entry);
            if (before != after)
            {
                throw new AttestationException($"configfs-tsm entry changed while reading (generation {before} → {after}); another writer interfered");
            }

            var report = SnpReportChecks.ParseAnswer(outblob, reportData, vmpl, "configfs-tsm");
            return Task.FromResult(new SnpGuestReport(report, auxblob));
        }
        finally
        {
            _fs.RemoveDirectory(entry);
        }
    }

    private long ReadGeneration(string entry)
    {
        var text = Encoding.ASCII.GetString(_fs.ReadAllBytes(Path.Combine(entry, "generation"))).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : throw new AttestationFormatException($"configfs-tsm generation \"{text}\" is not a number");
    }
}
