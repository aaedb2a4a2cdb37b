using System;

namespace Constellation.Cluster.Bootstrapper.Rejoin;

/// <summary>Settings of the rejoin client.</summary>
public sealed class RejoinClientOptions
{
    /// <summary>Gets or sets the timeout of one rejoin request, dial included (Constellation: 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the wait after the first round over all endpoints failed; it doubles each round.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between rounds (Constellation retries every 30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a callback after each round in which no endpoint returned a usable key (the bootstrapper then
    /// reports that it waits for recovery), or <see langword="null"/>.
    /// </summary>
    public Action? RoundFailed { get; set; }
}
