using System.Collections.Concurrent;

namespace Constellation.Attestation.Tests.Collateral;

/// <summary>
/// A clock whose timers fire at once but remember the delay they were asked for, so back-off and Retry-After
/// can be checked without the test waiting. The wall clock can be pinned.
/// </summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    private DateTimeOffset? _now;

    public RecordingTimeProvider(DateTimeOffset? now = null) => _now = now;

    public ConcurrentQueue<TimeSpan> RequestedDelays { get; } = new();

    public void SetNow(DateTimeOffset now) => _now = now;

    public override DateTimeOffset GetUtcNow() => _now ?? base.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        RequestedDelays.Enqueue(dueTime);
        return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
