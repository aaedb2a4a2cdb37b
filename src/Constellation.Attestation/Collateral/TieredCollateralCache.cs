using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// A fast cache in front of a slow one (typically <see cref="MemoryCollateralCache"/> over
/// <see cref="FileCollateralCache"/>): reads try the first, then the second and promote hits; writes go to both.
/// </summary>
/// <remarks>Thread-safe when both tiers are.</remarks>
public sealed class TieredCollateralCache : ICollateralCache
{
    private readonly ICollateralCache _fast;
    private readonly ICollateralCache _slow;

    /// <summary>Creates a two-tier cache.</summary>
    /// <param name="fast">The tier read first (e.g. memory).</param>
    /// <param name="slow">The tier read on a miss (e.g. disk).</param>
    public TieredCollateralCache(ICollateralCache fast, ICollateralCache slow)
    {
        ArgumentNullException.ThrowIfNull(fast);
        ArgumentNullException.ThrowIfNull(slow);
        _fast = fast;
        _slow = slow;
    }

    /// <summary>Creates the usual cache: memory in front of the persistent cache in <paramref name="directory"/>.</summary>
    /// <param name="directory">The persistent cache directory, or <see langword="null"/> for the XDG default.</param>
    /// <returns>The cache.</returns>
    public static TieredCollateralCache CreateDefault(string? directory = null) =>
        new(new MemoryCollateralCache(), directory is null ? new FileCollateralCache() : new FileCollateralCache(directory));

    /// <inheritdoc />
    public async ValueTask<CollateralEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var entry = await _fast.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is not null)
        {
            return entry;
        }

        entry = await _slow.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is not null)
        {
            await _fast.SetAsync(key, entry, cancellationToken).ConfigureAwait(false);
        }

        return entry;
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, CollateralEntry entry, CancellationToken cancellationToken = default)
    {
        await _slow.SetAsync(key, entry, cancellationToken).ConfigureAwait(false);
        await _fast.SetAsync(key, entry, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        await _fast.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        await _slow.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }
}
