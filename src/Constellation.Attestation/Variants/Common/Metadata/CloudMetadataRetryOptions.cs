using System;

namespace Constellation.Attestation.Variants.Common.Metadata;

/// <summary>
/// How an issuer's metadata requests are bounded and retried: each attempt has its own timeout; transient failures
/// (no connection, a timeout, HTTP 408, 429 or 5xx) are retried with exponential backoff, every other answer is final.
/// </summary>
/// <remarks>Immutable once built.</remarks>
public sealed class CloudMetadataRetryOptions
{
    /// <summary>Gets the defaults: 5 s per attempt, 3 attempts, 200 ms first backoff.</summary>
    public static CloudMetadataRetryOptions Default { get; } = new();

    /// <summary>Gets how long one attempt may take (default 5 s; metadata services are link-local and answer fast).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets how many attempts are made in all (default 3; 1 disables retries).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Gets the wait before the second attempt; it doubles before each further one (default 200 ms).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets the largest response body accepted (default 1 MiB).</summary>
    public int MaxResponseBytes { get; init; } = 1 << 20;

    internal void Validate(string owner)
    {
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{owner}.Retry.AttemptTimeout: the attempt timeout must be positive, got {AttemptTimeout}");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"{owner}.Retry.MaxAttempts: at least one attempt is needed, got {MaxAttempts}");
        }

        if (InitialBackoff < TimeSpan.Zero)
        {
            throw new ArgumentException($"{owner}.Retry.InitialBackoff: the backoff cannot be negative, got {InitialBackoff}");
        }

        if (MaxResponseBytes < 1)
        {
            throw new ArgumentException($"{owner}.Retry.MaxResponseBytes: the response cap must be positive, got {MaxResponseBytes}");
        }
    }
}
