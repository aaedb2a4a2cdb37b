using Constellation.Tests;

namespace Constellation.Cli.Tests.CommandLine;

/// <summary>
/// The published CLI is two binaries (scripts/cli-publish.sh): the front <c>constellation</c>, built with only the
/// evidence commands and <c>variants</c>, and <c>constellation-full</c> beside it, which the front becomes (execv) for any
/// other command line. These run the published pair; every other CLI test also goes through the front.
/// </summary>
public class FrontBinaryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private string _alone = null!;

    /// <summary>A copy of the front with no full binary beside it.</summary>
    private string FrontAlone => Path.Combine(_alone, "constellation");

    private static string SnpReport => TestData.Evidence("snp/azure-milan-vcek-report.bin");

    [SetUp]
    public void CopyTheFrontAlone()
    {
        _alone = Directory.CreateTempSubdirectory("front-alone-").FullName;
        File.Copy(CliRunner.Binary, FrontAlone);
    }

    [TearDown]
    public void DeleteTheCopy() => Directory.Delete(_alone, recursive: true);

    [Test]
    public async Task The_front_runs_the_evidence_commands_and_variants_itself_with_no_full_binary_beside_it()
    {
        var alone = await CliRunner.RunBinaryAsync(FrontAlone, "evidence", "inspect", "snp-report", SnpReport, "--json");
        var installed = await CliRunner.RunAsync("evidence", "inspect", "snp-report", SnpReport, "--json");
        var variants = await CliRunner.RunBinaryAsync(FrontAlone, "variants", "--json");

        alone.ExitCode.Should().Be(0, alone.Error);
        alone.Output.Should().Be(installed.Output).And.Contain("\"guestSvn\"");
        variants.ExitCode.Should().Be(0, variants.Error);
        variants.Output.Should().Contain("\"qemu-vtpm\"");
    }

    [TestCase("mini", "status")]
    [TestCase("--version")]
    [TestCase("evidenc", "inspect")]
    public async Task A_command_line_the_front_does_not_hold_fails_naming_the_missing_full_binary(params string[] args)
    {
        var (exitCode, output, error) = await CliRunner.RunBinaryAsync(FrontAlone, args);

        exitCode.Should().Be(ExitCodes.InternalError);
        output.Should().BeEmpty();
        error.Trim().Should().NotContain("\n").And.Contain(Path.Combine(_alone, "constellation-full") + ", which is missing")
            .And.Contain("holds only the commands variants, evidence");
    }

    [Test]
    public async Task A_front_build_in_place_of_the_full_binary_refuses_instead_of_handing_the_command_line_to_itself()
    {
        // A broken install: the front under both names. Without the hand-over mark it would exec itself forever.
        File.Copy(CliRunner.Binary, Path.Combine(_alone, "constellation-full"));

        var (exitCode, output, error) = await CliRunner.RunBinaryAsync(FrontAlone, "mini", "status");

        exitCode.Should().Be(ExitCodes.InternalError, error);
        output.Should().BeEmpty();
        error.Trim().Should().NotContain("\n").And.Contain(Path.Combine(_alone, "constellation-full") + ", but that file is a front build too")
            .And.Contain("scripts/cli-publish.sh");
    }

    [Test]
    public async Task A_handed_over_command_line_answers_as_the_full_binary_under_the_name_constellation()
    {
        var help = await CliRunner.RunAsync("--help");
        var version = await CliRunner.RunAsync("--version");
        var fullVersion = await CliRunner.RunBinaryAsync(CliRunner.FullBinary, "--version");
        var usage = await CliRunner.RunAsync("mini", "up", "--nodes", "none");

        help.ExitCode.Should().Be(0, help.Error);
        help.Output.Should().Contain("Usage:\n  constellation [command] [options]").And.Contain("\n  mini ").And.Contain("\n  evidence ");
        version.Should().Be(fullVersion);
        version.ExitCode.Should().Be(0);
        usage.ExitCode.Should().Be(ExitCodes.UnusableInput);
        usage.Error.Should().Contain("See 'constellation mini up --help'");
    }

    [Test]
    public async Task A_handed_over_command_runs_in_the_process_the_caller_started()
    {
        // A TCP peer that never answers the handshake keeps `atls probe` (a full-binary command) waiting.
        await using var waiting = await WaitingProbe.StartAsync(Bound);
        var probe = waiting.Process;

        // The pid the caller holds now runs the full binary (execv), not a child of the front.
        var image = new FileInfo($"/proc/{probe.Id}/exe").LinkTarget;
        image.Should().Be(Path.GetFullPath(CliRunner.FullBinary));
        probe.Signal("INT");
        (await probe.WaitForExitAsync(Bound)).Should().Be(ExitCodes.Interrupted, probe.Log);
    }

    [Test]
    public void The_front_binary_is_built_without_the_full_command_tree()
    {
        // The front's feature switch lets Native AOT drop the cluster, cloud and server code; if the switch were lost the
        // front would be the whole CLI again (about the size of constellation-full) and start as slowly.
        var front = new FileInfo(CliRunner.Binary).Length;
        var full = new FileInfo(CliRunner.FullBinary).Length;

        front.Should().BeLessThan(full * 7 / 10, $"the front is {front} bytes and the full binary {full}");
    }

    [TestCase(new[] { "evidence", "verify", "tpm-quote" }, true)]
    [TestCase(new[] { "variants" }, true)]
    [TestCase(new[] { "evidence" }, true)]
    [TestCase(new string[0], false)]
    [TestCase(new[] { "--help" }, false)]
    [TestCase(new[] { "--version" }, false)]
    [TestCase(new[] { "@args.rsp" }, false)]
    [TestCase(new[] { "Evidence", "inspect" }, false)]
    [TestCase(new[] { "mini", "up" }, false)]
    [TestCase(new[] { "verify", "--variant", "dummy" }, false)]
    public void The_front_serves_a_command_line_only_when_its_first_argument_names_one_of_its_commands(string[] args, bool servesItself) =>
        FullCliHandOver.ServesItself(CommandTree.BuildFront(), args).Should().Be(servesItself);
}
