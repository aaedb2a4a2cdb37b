using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>Supplies collateral for a platform (Intel PCS client, a directory, a cache).</summary>
public interface ITdxCollateralSource
{
    /// <summary>Gets TCB info for <paramref name="fmspc"/>, the QE identity and the CRLs for <paramref name="caType"/>.</summary>
    /// <param name="fmspc">The platform's FMSPC, 12 hex characters.</param>
    /// <param name="caType">The PCK certificate's issuing CA.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The collateral.</returns>
    /// <exception cref="CollateralUnavailableException">The collateral cannot be obtained.</exception>
    Task<TdxCollateral> GetCollateralAsync(string fmspc, PckCaType caType, CancellationToken cancellationToken);
}
