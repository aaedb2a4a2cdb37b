namespace Constellation.Fuzz;

/// <summary>A clock frozen at one instant, so a fuzz input means the same thing on every run.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
