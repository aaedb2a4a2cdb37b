using System.Text.Json;
using Constellation.Tests.Daemons;

namespace Constellation.Bootstrapper.Tests.Configuration;

/// <summary>
/// The file, the environment and the flags configure one daemon, flags winning over the environment and the
/// environment over the file; a running daemon stops cleanly on SIGTERM and SIGINT.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[NonParallelizable]
public class ConfigurationSourcesTests
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(20);
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("bootstrapper-sources-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [TestCase(true, true, "flag-node")]
    [TestCase(false, true, "env-node")]
    [TestCase(false, false, "file-node")]
    public async Task Flags_win_over_the_environment_and_the_environment_over_the_file(bool flag, bool environment, string expected)
    {
        var state = Path.Combine(_dir, "state");
        var file = Path.Combine(_dir, "bootstrapper.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            Bootstrapper = new
            {
                Variant = "dummy",
                StateDirectory = state,
                NodeName = "file-node",
                InitSecretHash = Daemon.AnyInitSecretHash,
                ListenAddress = Daemon.Loopback(1),
                JoinEndpoints = new[] { "127.0.0.1:9" },
            },
        }));
        string[] args = flag ? ["--config", file, "--node-name", "flag-node"] : ["--config", file];
        var env = environment ? new Dictionary<string, string?> { ["CONSTELLATION_BOOTSTRAPPER__NodeName"] = "env-node" } : null;
        await using var daemon = DaemonProcess.Start(Daemon.Bootstrapper, args, env);

        var status = await daemon.WaitForJsonAsync(Path.Combine(state, "status.json"), s => s.GetProperty("state").GetString() == "joining", Daemon.Bound, "joining");

        status.GetProperty("name").GetString().Should().Be(expected);
        status.GetProperty("pid").GetInt32().Should().Be(daemon.Id);
        (await daemon.StopAsync(StopBound)).Should().Be(0, daemon.Log);
    }

    [TestCase("TERM")]
    [TestCase("INT")]
    public async Task A_signal_while_the_daemon_is_still_starting_is_a_clean_stop_not_a_failure(string signal)
    {
        var state = Path.Combine(_dir, "state");
        await using var daemon = DaemonProcess.Start(
            Daemon.Bootstrapper,
            ["--variant", "dummy", "--state-directory", state, "--node-name", "node-0", "--init-secret-hash", Daemon.AnyInitSecretHash, "--listen-address", Daemon.Loopback(1)]);

        // The first thing the daemon's start does is create the state disk image; cryptsetup and the servers follow.
        await WaitForLineAsync(daemon, "created the state disk image");
        daemon.Signal(signal);

        (await daemon.WaitForExitAsync(StopBound)).Should().Be(0, daemon.Log);
        daemon.ErrorLines.Should().NotContain(l => l.Contains("failed", StringComparison.Ordinal), daemon.Log);
    }

    [TestCase("TERM")]
    [TestCase("INT")]
    public async Task A_signal_stops_the_daemon_cleanly_within_the_bound(string signal)
    {
        var state = Path.Combine(_dir, "state");
        var policy = Path.Combine(_dir, "attestationConfig");
        await File.WriteAllTextAsync(policy, "{}");
        await using var daemon = DaemonProcess.Start(
            Daemon.Bootstrapper,
            ["--variant", "dummy", "--state-directory", state, "--node-name", "node-0", "--init-secret-hash", Daemon.AnyInitSecretHash, "--listen-address", Daemon.Loopback(1), "--control-plane",
             "--cluster-services-path", Daemon.ClusterServices, "--attestation-config", policy]);
        await daemon.WaitForJsonAsync(Path.Combine(state, "status.json"), s => s.GetProperty("state").GetString() == "awaiting-init", Daemon.Bound, "awaiting init");

        daemon.Signal(signal);

        (await daemon.WaitForExitAsync(StopBound)).Should().Be(0, daemon.Log);
        daemon.ErrorLines.Should().Contain(l => l.Contains("node node-0 stopped", StringComparison.Ordinal));
        daemon.ErrorLines.Should().OnlyContain(l => l.Length > 0 && !l.StartsWith("   at ", StringComparison.Ordinal), "one line per event, no stack traces");
    }

    private static async Task WaitForLineAsync(DaemonProcess daemon, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!daemon.ErrorLines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            clock.Elapsed.Should().BeLessThan(Daemon.Bound, $"a line with \"{text}\"; the log:\n{daemon.Log}");
            await Task.Delay(5);
        }
    }
}
