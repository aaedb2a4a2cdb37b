using Constellation.Attestation.Caching;

namespace Constellation.Attestation.Tests.Caching;

public class BoundedMemoTests
{
    [Test]
    public void A_remembered_result_is_found_by_its_key_only()
    {
        var memo = new BoundedMemo<string, int>(4, StringComparer.Ordinal);
        memo.Add("a", 1);

        memo.TryGet("a", out var a).Should().BeTrue();
        a.Should().Be(1);
        memo.Contains("A").Should().BeFalse();
    }

    [Test]
    public void Past_its_capacity_the_memo_starts_over_instead_of_growing()
    {
        var memo = new BoundedMemo<int, int>(3);
        for (var i = 0; i < 3; i++)
        {
            memo.Add(i, i);
        }

        memo.Add(99, 99);

        memo.Count.Should().Be(1);
        memo.Contains(0).Should().BeFalse();
        memo.Contains(99).Should().BeTrue();
    }

    [Test]
    public void A_verification_is_remembered_only_inside_its_validity_window()
    {
        var memo = new VerificationMemo<string>();
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        memo.Add("k", "verified", from, from.AddDays(1));

        memo.TryGet("k", from.AddHours(1), out var inside).Should().BeTrue();
        inside.Should().Be("verified");
        memo.TryGet("k", from.AddDays(2), out _).Should().BeFalse();
        memo.TryGet("k", from.AddTicks(-1), out _).Should().BeFalse();
    }

    [Test]
    public void Memo_keys_of_different_splits_of_the_same_bytes_differ()
    {
        string Key(byte[] first, byte[] second)
        {
            using var key = new MemoKey();
            return key.Add(first).Add(second).Finish();
        }

        Key([1, 2], [3]).Should().NotBe(Key([1], [2, 3]));
        MemoKey.Of([1, 2, 3]).Should().Be(MemoKey.Of([1, 2, 3]));
    }
}
