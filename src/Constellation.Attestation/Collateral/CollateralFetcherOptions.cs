using System;

namespace Constellation.Attestation.Collateral;

/// <summary>How <see cref="CollateralFetcher"/> talks to collateral services (AMD KDS, Intel PCS, …).</summary>
/// <remarks>Immutable once constructed; safe to share.</remarks>
public sealed class CollateralFetcherOptions
{
    /// <summary>Gets the time allowed for one HTTP attempt, including reading the body. Default 15 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets the maximum number of attempts per request (first try included). Default 4.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Gets the delay before the second attempt; doubles per retry up to <see cref="MaxBackoff"/>. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the upper bound of the exponential back-off. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets the longest <c>Retry-After</c> the fetcher will wait for. A server asking for longer fails the request
    /// at once with <see cref="CollateralUnavailableException"/> (waiting less would only be throttled again). Default 2 min.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets the largest response body accepted. Default 8 MiB.</summary>
    public int MaxResponseBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Gets a value indicating whether the fetcher is in offline mode: every fetch fails with
    /// <see cref="CollateralUnavailableException"/> before any network access. Default <see langword="false"/>.
    /// </summary>
    public bool Offline { get; init; }

    /// <summary>Gets the clock used for back-off delays and <c>Retry-After</c> dates. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the default options (online).</summary>
    public static CollateralFetcherOptions Default { get; } = new();

    /// <summary>Gets options that never touch the network.</summary>
    public static CollateralFetcherOptions OfflineOnly { get; } = new() { Offline = true };

    internal void Validate()
    {
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "must be positive");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "must be at least 1");
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "back-off bounds must satisfy 0 <= InitialBackoff <= MaxBackoff");
        }

        if (MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAfter), MaxRetryAfter, "must not be negative");
        }

        if (MaxResponseBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, "must be positive");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
