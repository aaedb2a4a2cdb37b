using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Snp.Issuers;

/// <summary>Obtains SEV-SNP attestation reports from inside a guest.</summary>
/// <remarks>Implementations must be safe to call concurrently.</remarks>
public interface ISnpReportSource
{
    /// <summary>Requests a report carrying <paramref name="reportData"/>.</summary>
    /// <param name="reportData">Exactly 64 bytes of guest data to bind into REPORT_DATA.</param>
    /// <param name="vmpl">The VMPL to request the report at (0..3).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The report, checked to carry <paramref name="reportData"/> and <paramref name="vmpl"/>.</returns>
    /// <exception cref="AttestationException">The firmware or kernel refused, or returned something other than the requested report.</exception>
    Task<SnpGuestReport> GetReportAsync(ReadOnlyMemory<byte> reportData, uint vmpl = 0, CancellationToken cancellationToken = default);
}
