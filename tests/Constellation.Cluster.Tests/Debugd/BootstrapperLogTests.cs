using Constellation.Cluster.Debugd;

namespace Constellation.Cluster.Tests.Debugd;

/// <summary>The bootstrapper's output buffer keeps the last lines and tells a follower that fell behind, never skipping silently.</summary>
public class BootstrapperLogTests
{
    [Test]
    public async Task A_follower_that_falls_behind_is_ended_with_an_error_naming_the_backlog()
    {
        var log = new BootstrapperLog(capacity: 10);
        using var follower = log.Follow().Live;

        for (var i = 0; i <= BootstrapperLog.FollowerBacklog; i++)
        {
            log.Add(new BootstrapperLogLine("stdout", $"line {i}", DateTimeOffset.UnixEpoch));
        }

        var drain = async () =>
        {
            var count = 0;
            await foreach (var line in follower.Lines.ReadAllAsync())
            {
                count++;
            }

            return count;
        };
        await drain.Should().ThrowAsync<DebugdException>().WithMessage($"*more than {BootstrapperLog.FollowerBacklog} lines behind*");
    }

    [Test]
    public void Only_the_last_lines_are_kept_and_a_new_follower_gets_them_then_the_later_ones()
    {
        var log = new BootstrapperLog(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            log.Add(new BootstrapperLogLine("stdout", $"line {i}", DateTimeOffset.UnixEpoch));
        }

        var (recent, follower) = log.Follow();
        using var subscription = follower;
        log.Add(new BootstrapperLogLine("stderr", "line 5", DateTimeOffset.UnixEpoch));

        recent.Select(l => l.Text).Should().Equal("line 2", "line 3", "line 4");
        follower.Lines.TryRead(out var next).Should().BeTrue();
        next!.Text.Should().Be("line 5");
    }
}
