using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Diagnostics;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// Cache-first access to collateral: a usable cached entry is returned without touching the network;
/// otherwise the collateral is fetched (unless offline), checked by the caller, stored and returned.
/// </summary>
/// <remarks>
/// Thread-safe. Concurrent requests for the same key share one download, which keeps rate-limited services
/// (AMD KDS answers bursts with 429) quiet. The one cache-first fetch of the library: the AMD KDS and Intel PCS
/// clients are both built on it.
/// </remarks>
public sealed class CachedCollateralSource
{
    private readonly CollateralFetcher? _fetcher;
    private readonly ConcurrentDictionary<string, Lazy<Task<CollateralEntry>>> _inflight = new(StringComparer.Ordinal);

    /// <summary>Creates a source.</summary>
    /// <param name="cache">Where collateral is kept.</param>
    /// <param name="fetcher">How to download missing collateral, or <see langword="null"/> for offline mode (cache only).</param>
    /// <param name="timeProvider">The clock used to judge expiry and stamp new entries; default <see cref="TimeProvider.System"/>.</param>
    public CachedCollateralSource(ICollateralCache cache, CollateralFetcher? fetcher, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Cache = cache;
        _fetcher = fetcher;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the metrics that record each cache lookup, or <see langword="null"/> for none.</summary>
    public AttestationMetrics? Metrics { get; init; }

    /// <summary>Gets the <c>source</c> tag of the recorded cache lookups, e.g. <c>kds</c>. Default <c>collateral</c>.</summary>
    public string MetricsSource { get; init; } = "collateral";

    /// <summary>Gets the cache.</summary>
    public ICollateralCache Cache { get; }

    /// <summary>Gets the clock used to judge expiry.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets a value indicating whether this source never touches the network.</summary>
    public bool IsOffline => _fetcher is null || _fetcher.Options.Offline;

    /// <summary>
    /// Returns the collateral for <paramref name="key"/> from the cache if present and not expired; otherwise fetches
    /// <paramref name="uri"/>, lets <paramref name="accept"/> check it and compute its expiry, stores and returns it.
    /// </summary>
    /// <param name="key">The cache key (often <c>uri.AbsoluteUri</c>).</param>
    /// <param name="uri">Where to fetch from on a miss.</param>
    /// <param name="accept">
    /// Checks a downloaded response and returns when it expires (<see langword="null"/> = never). Throw to reject a
    /// malformed download; it is then not cached.
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The cached or freshly fetched entry; its content is the response body.</returns>
    /// <exception cref="CollateralUnavailableException">Not cached (or expired) and offline, or the fetch failed.</exception>
    public Task<CollateralEntry> GetAsync(string key, Uri uri, Func<CollateralResponse, DateTimeOffset?> accept, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accept);
        return GetConvertedAsync(key, uri, response => new AcceptedCollateral(response.Content, accept(response)), cancellationToken);
    }

    /// <summary>
    /// Returns the collateral for <paramref name="key"/> from the cache if present and not expired; otherwise fetches
    /// <paramref name="uri"/>, lets <paramref name="accept"/> check it and convert it to what is stored (until when), stores and returns it.
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="uri">Where to fetch from on a miss.</param>
    /// <param name="accept">
    /// Checks a downloaded response and returns the bytes to cache with their expiry. Throw to reject a malformed
    /// download; it is then not cached (and an entry already cached stays as it was).
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The cached or freshly stored entry; its content is what <paramref name="accept"/> returned.</returns>
    /// <exception cref="CollateralUnavailableException">Not cached (or expired) and offline, or the fetch failed.</exception>
    public async Task<CollateralEntry> GetConvertedAsync(string key, Uri uri, Func<CollateralResponse, AcceptedCollateral> accept, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(accept);

        var cached = await Cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var now = TimeProvider.GetUtcNow();
        var hit = cached is not null && !cached.IsExpired(now);
        Metrics?.RecordCacheLookup(MetricsSource, hit);
        if (hit)
        {
            return cached!;
        }

        if (IsOffline)
        {
            var why = cached is null ? "not in the cache" : $"the cached copy expired at {cached.ExpiresAt:O}";
            throw new CollateralUnavailableException($"offline mode: {uri} is {why} and may not be fetched");
        }

        // The shared download is not tied to the first caller's token (its cancellation must not fail the others);
        // it is bounded by the fetcher's attempts and timeouts, and each caller stops waiting on its own token.
        var lazy = _inflight.GetOrAdd(key, _ => new Lazy<Task<CollateralEntry>>(() => FetchAndStoreAsync(key, uri, accept, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inflight.TryRemove(new(key, lazy));
        }
    }

    private async Task<CollateralEntry> FetchAndStoreAsync(string key, Uri uri, Func<CollateralResponse, AcceptedCollateral> accept, CancellationToken cancellationToken)
    {
        var response = await _fetcher!.FetchAsync(uri, cancellationToken: cancellationToken).ConfigureAwait(false);
        var storedAt = TimeProvider.GetUtcNow();
        var (content, expiresAt) = accept(response);

        // Already-stale collateral is stored as expired: it is never served from the cache, so the next call refetches it.
        var entry = new CollateralEntry(content.Span, storedAt, expiresAt is { } e && e < storedAt ? storedAt : expiresAt);
        await Cache.SetAsync(key, entry, cancellationToken).ConfigureAwait(false);
        return entry;
    }
}
