using Constellation.Tests.Daemons;

namespace Constellation.Node.Tests;

/// <summary>
/// <c>constellation-node</c> (the node image's one executable) runs the daemon it is started as: by a link named after
/// the daemon (as the image's /usr/bin holds them) or, run as itself, by the daemon's name as the first argument. An
/// invalid flag shows which daemon answered: each daemon refuses it naming itself and listing its own flags.
/// These run the framework-dependent build; the VM tests run the Native AOT build through the image's links.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DaemonByNameTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private string _links = null!;

    private static string NodeDll => DaemonProcess.BuiltAssembly("Constellation.Node", "constellation-node");

    /// <summary>The apphost beside the .dll: what a link points at.</summary>
    private static string NodeExecutable => Path.ChangeExtension(NodeDll, null);

    [SetUp]
    public void CreateLinkDirectory() => _links = Directory.CreateTempSubdirectory("node-links-").FullName;

    [TearDown]
    public void DeleteLinkDirectory() => Directory.Delete(_links, recursive: true);

    [TestCase("constellation-bootstrapper", "--cluster-services-path")]
    [TestCase("constellation-cluster-services", "--join-service-port")]
    public async Task A_link_named_after_a_daemon_runs_that_daemon(string daemon, string oneOfItsFlags)
    {
        var run = await RunLinkAsync(daemon, "--no-such-flag");

        run.ExitCode.Should().Be(2, run.Log);
        run.ErrorLines.Should().ContainSingle(run.Log).Which.Should()
            .StartWith($"{daemon}: invalid configuration: \"--no-such-flag\"").And.Contain(oneOfItsFlags);
    }

    [TestCase("constellation-bootstrapper", "--cluster-services-path")]
    [TestCase("constellation-cluster-services", "--join-service-port")]
    public async Task Run_as_itself_the_first_argument_names_the_daemon(string daemon, string oneOfItsFlags)
    {
        var run = await DaemonProcess.RunAsync(NodeDll, [daemon, "--no-such-flag"], Bound);

        run.ExitCode.Should().Be(2, run.Log);
        run.ErrorLines.Should().ContainSingle(run.Log).Which.Should()
            .StartWith($"{daemon}: invalid configuration: \"--no-such-flag\"").And.Contain(oneOfItsFlags);
    }

    [Test]
    public async Task A_production_build_refuses_debugd_by_link_and_by_argument()
    {
        var byLink = await RunLinkAsync("constellation-debugd");
        var byArgument = await DaemonProcess.RunAsync(NodeDll, ["constellation-debugd"], Bound);

        foreach (var run in new[] { byLink, byArgument })
        {
            run.ExitCode.Should().Be(2, run.Log);
            run.ErrorLines.Should().ContainSingle(run.Log).Which.Should()
                .Contain("this is a production build: constellation-debugd is not in it");
        }
    }

    [Test]
    public async Task A_name_that_names_no_daemon_is_refused_listing_the_daemons_of_the_build()
    {
        var unnamed = await RunLinkAsync("constellation-something");
        var unknown = await DaemonProcess.RunAsync(NodeDll, ["constellation-join-service"], Bound);

        unnamed.ExitCode.Should().Be(2, unnamed.Log);
        unnamed.ErrorLines.Should().ContainSingle(unnamed.Log).Which.Should()
            .Contain("constellation-something, which names no daemon").And.Contain("constellation-bootstrapper or constellation-cluster-services");
        unknown.ExitCode.Should().Be(2, unknown.Log);
        unknown.ErrorLines.Should().ContainSingle(unknown.Log).Which.Should()
            .Be("constellation-node: asked for constellation-join-service, which is none of this build's daemons: constellation-bootstrapper, constellation-cluster-services.");
    }

    private async Task<DaemonProcess> RunLinkAsync(string name, params string[] args)
    {
        var link = Path.Combine(_links, name);
        File.CreateSymbolicLink(link, NodeExecutable);
        var process = DaemonProcess.StartExecutable(link, args, name: name);
        await process.WaitForExitAsync(Bound);
        return process;
    }
}
