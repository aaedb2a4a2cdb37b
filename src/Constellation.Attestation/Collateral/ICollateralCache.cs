using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// A store for collateral entries keyed by an opaque string (typically the URI the collateral came from).
/// </summary>
/// <remarks>
/// Implementations must be safe to use concurrently. A cache never judges expiry on read: it returns what it
/// holds and the caller decides with <see cref="CollateralEntry.IsExpired"/>; this keeps "what is stored" and
/// "what is usable now" separate, so a verification at a pinned time stays reproducible.
/// </remarks>
public interface ICollateralCache
{
    /// <summary>Gets the entry stored under <paramref name="key"/>.</summary>
    /// <param name="key">The entry key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry, or <see langword="null"/> when none is stored.</returns>
    ValueTask<CollateralEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="entry"/> under <paramref name="key"/>, replacing any previous entry.</summary>
    /// <param name="key">The entry key.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    ValueTask SetAsync(string key, CollateralEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry stored under <paramref name="key"/>, if any.</summary>
    /// <param name="key">The entry key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);
}
