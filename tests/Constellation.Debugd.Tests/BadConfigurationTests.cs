using Constellation.Tests.Daemons;

namespace Constellation.Debugd.Tests;

/// <summary>
/// <c>constellation-debugd</c> refuses, before it starts anything, a missing or unusable authorized key and a missing
/// bootstrapper: exit 2 and one line naming the setting.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class BadConfigurationTests
{
    [Test]
    public async Task Without_an_authorized_key_the_daemon_does_not_start()
    {
        await using var daemon = new DebugdDaemon();
        var args = daemon.Args.ToList();
        args.RemoveRange(args.IndexOf("--authorized-key"), 2);

        var run = await DaemonProcess.RunAsync(DebugdDaemon.DebugdDll, args, DebugdDaemon.Bound);

        run.ExitCode.Should().Be(2, run.Log);
        run.ErrorLines.Should().ContainSingle(run.Log).Which.Should()
            .StartWith("constellation-debugd: invalid configuration: Debugd:AuthorizedKey (--authorized-key): expected the authorized debug key");
    }

    [Test]
    public async Task A_private_key_as_the_authorized_key_is_refused()
    {
        await using var daemon = new DebugdDaemon();
        await File.WriteAllTextAsync(daemon.AuthorizedKeyPath, daemon.DeveloperKey.ExportPkcs8PrivateKeyPem());

        var run = await DaemonProcess.RunAsync(DebugdDaemon.DebugdDll, daemon.Args, DebugdDaemon.Bound);

        run.ExitCode.Should().Be(2, run.Log);
        run.ErrorLines.Should().ContainSingle(run.Log).Which.Should().Contain("Debugd:AuthorizedKey (--authorized-key): expected a PEM public key").And.Contain("PUBLIC KEY");
    }

    [Test]
    public async Task A_missing_bootstrapper_is_named()
    {
        await using var daemon = new DebugdDaemon();
        File.Delete(daemon.BootstrapperPath);

        var run = await DaemonProcess.RunAsync(DebugdDaemon.DebugdDll, daemon.Args, DebugdDaemon.Bound);

        run.ExitCode.Should().Be(2, run.Log);
        run.ErrorLines.Should().ContainSingle(run.Log).Which.Should().Contain("Debugd:BootstrapperPath (--bootstrapper-path): expected an existing file");
    }
}
