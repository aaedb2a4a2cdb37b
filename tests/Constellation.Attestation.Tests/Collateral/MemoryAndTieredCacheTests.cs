using Constellation.Attestation.Collateral;

namespace Constellation.Attestation.Tests.Collateral;

public class MemoryAndTieredCacheTests
{
    private static readonly DateTimeOffset Stored = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task The_memory_cache_returns_what_was_stored_and_forgets_removed_keys()
    {
        var cache = new MemoryCollateralCache();
        await cache.SetAsync("k", new CollateralEntry("v"u8, Stored, null));

        (await cache.GetAsync("k"))!.Content.ToArray().Should().Equal("v"u8.ToArray());
        await cache.RemoveAsync("k");
        (await cache.GetAsync("k")).Should().BeNull();
    }

    [Test]
    public async Task A_hit_in_the_slow_tier_is_promoted_to_the_fast_tier()
    {
        var fast = new MemoryCollateralCache();
        var slow = new MemoryCollateralCache();
        await slow.SetAsync("k", new CollateralEntry("v"u8, Stored, null));
        var tiered = new TieredCollateralCache(fast, slow);

        (await tiered.GetAsync("k")).Should().NotBeNull();

        (await fast.GetAsync("k")).Should().NotBeNull();
    }

    [Test]
    public async Task A_write_reaches_both_tiers()
    {
        var fast = new MemoryCollateralCache();
        var slow = new MemoryCollateralCache();

        await new TieredCollateralCache(fast, slow).SetAsync("k", new CollateralEntry("v"u8, Stored, null));

        fast.Count.Should().Be(1);
        slow.Count.Should().Be(1);
    }

    [Test]
    public void An_entry_expires_exactly_at_its_expiry_time()
    {
        var entry = new CollateralEntry("v"u8, Stored, Stored.AddHours(1));

        entry.IsExpired(Stored.AddMinutes(59)).Should().BeFalse();
        entry.IsExpired(Stored.AddHours(1)).Should().BeTrue();
    }

    [Test]
    public void An_entry_cannot_expire_before_it_was_stored()
    {
        var act = () => new CollateralEntry("v"u8, Stored, Stored.AddSeconds(-1));

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
