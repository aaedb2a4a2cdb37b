using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tdx.Issuers;

/// <summary>Produces a TD quote over 64 bytes of REPORTDATA (configfs-tsm, a cloud quote service, …).</summary>
public interface ITdxQuoteProvider
{
    /// <summary>Gets a quote whose REPORTDATA equals <paramref name="reportData"/>.</summary>
    /// <param name="reportData">Exactly 64 bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The raw quote.</returns>
    ValueTask<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken);
}
