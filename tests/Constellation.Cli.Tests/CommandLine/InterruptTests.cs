namespace Constellation.Cli.Tests.CommandLine;

/// <summary>
/// Ctrl+C (SIGINT) on the published binary while a command is still waiting: exit 130 and one line saying it was
/// interrupted, never 1 (a verdict it did not reach) or 0.
/// </summary>
public class InterruptTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_probe_interrupted_while_the_server_has_not_answered_exits_130_not_1()
    {
        // A TCP peer that accepts and never answers the TLS handshake: the probe waits (up to its own 60 s timeout).
        await using var waiting = await WaitingProbe.StartAsync(Bound);
        var probe = waiting.Process;

        probe.Signal("INT");

        (await probe.WaitForExitAsync(Bound)).Should().Be(ExitCodes.Interrupted, probe.Output + probe.Log);
        probe.ErrorLines.Should().ContainSingle(probe.Log).Which.Should().StartWith("error: interrupted");
    }
}
