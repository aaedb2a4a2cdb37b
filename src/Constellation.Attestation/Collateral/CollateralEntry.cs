using System;

namespace Constellation.Attestation.Collateral;

/// <summary>
/// One cached piece of collateral (certificate, CRL, TCB info, …): its bytes and when it stops being usable.
/// </summary>
/// <remarks>Immutable and thread-safe. The content is copied on construction.</remarks>
public sealed class CollateralEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="content">The collateral bytes (copied).</param>
    /// <param name="storedAt">When the entry was obtained.</param>
    /// <param name="expiresAt">When the entry stops being usable, or <see langword="null"/> for immutable collateral (e.g. a VCEK for a fixed chip and TCB).</param>
    public CollateralEntry(ReadOnlySpan<byte> content, DateTimeOffset storedAt, DateTimeOffset? expiresAt)
    {
        if (expiresAt is { } expiry && expiry < storedAt)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAt), expiresAt, "An entry cannot expire before it was stored.");
        }

        Content = content.ToArray();
        StoredAt = storedAt;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the collateral bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Gets when the entry was obtained.</summary>
    public DateTimeOffset StoredAt { get; }

    /// <summary>Gets when the entry stops being usable, or <see langword="null"/> if it never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Tells whether the entry has expired at the given time.</summary>
    /// <param name="now">The time to judge by.</param>
    /// <returns><see langword="true"/> if <paramref name="now"/> is at or past <see cref="ExpiresAt"/>.</returns>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;
}
