using Constellation.Tests;

namespace Constellation.Cli.Tests.CommandLine;

/// <summary>
/// A command line the CLI cannot run (unknown command or option, missing argument or option, malformed or
/// out-of-range value) exits 2 with one line on stderr that names the problem and where help is, no help dump and no
/// stack trace, and never runs the command.
/// </summary>
public class UsageErrorTests
{
    private static readonly string Report = TestData.Evidence("snp/azure-milan-vcek-report.bin");

    // These would verify (exit 0) or reject (exit 1) a real report if the bad value were not caught first. The
    // repository has no real AMD CRL, so revocation is opted out of explicitly.
    private static string[] VerifyReport(params string[] extra) =>
        ["evidence", "verify", "snp-report", Report, "--signer", TestData.Evidence("snp/azure-milan-vcek.pem"),
            "--chain", TestData.Evidence("snp/milan-ask-ark.pem"), "--at", "2026-01-01T00:00:00Z", "--offline", "--no-revocation-check", .. extra];

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("unknown command", "'frobnicate'", "constellation --help", "frobnicate");
        yield return Case("unknown subcommand", "'frobnicate'", "constellation evidence inspect --help", "evidence", "inspect", "frobnicate");
        yield return Case("no command", "Required command", "constellation --help");
        yield return Case("group without its subcommand", "Required command", "constellation evidence --help", "evidence");
        yield return Case("unknown option", "'--bogus'", "constellation evidence inspect snp-report --help", "evidence", "inspect", "snp-report", Report, "--bogus");
        yield return Case("unexpected extra argument", "'extra'", "constellation variants --help", "variants", "extra");
        yield return Case("missing argument", "Required argument missing", "constellation evidence inspect snp-report --help", "evidence", "inspect", "snp-report");
        yield return Case("missing required option", "'--signature'", "constellation evidence verify tpm-quote --help", "evidence", "verify", "tpm-quote", Report, "--ak", Report);
        yield return Case("two missing required options", "'--endpoint'", "constellation init --help", "init", "--variant", "dummy");
        yield return Case("option without its value", "'--at'", "constellation evidence verify tdx-quote --help", "evidence", "verify", "tdx-quote", Report, "--at");
        yield return Case("malformed port", "--port", "constellation atls serve --help", "atls", "serve", "--variant", "dummy", "--port", "http");
        yield return Case("out-of-range port", "0 to 65535", "constellation atls serve --help", "atls", "serve", "--variant", "dummy", "--port", "70000");
        yield return Case("negative port", "0 to 65535", "constellation atls serve --help", "atls", "serve", "--variant", "dummy", "--port", "-1");
        yield return Case("out-of-range VMPL", "0 to 3", "constellation evidence verify snp-report --help", VerifyReport("--vmpl", "4"));
        yield return Case("negative VMPL", "0 to 3", "constellation evidence verify snp-report --help", VerifyReport("--vmpl", "-1"));
        yield return Case("guest SVN beyond 32 bits", "0 to 4294967295", "constellation evidence verify snp-report --help", VerifyReport("--min-guest-svn", "4294967296"));
        yield return Case("unknown option of a cluster command", "'--bogus'", "constellation verify --help", "verify", "--endpoint", "127.0.0.1:9", "--variant", "dummy", "--bogus");
    }

    private static TestCaseData Case(string name, string names, string help, params string[] args) =>
        new TestCaseData((object)args, names, help).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Cases))]
    public async Task A_usage_error_exits_2_with_one_line_on_stderr_naming_it_and_pointing_to_help(string[] args, string names, string help)
    {
        var (exitCode, output, error) = await CliRunner.RunAsync(args);

        exitCode.Should().Be(ExitCodes.UnusableInput, "stderr: {0}", error);
        output.Should().BeEmpty("no help text and no verdict");
        var line = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("one line: {0}", error).Subject;
        line.Should().StartWith("error: ").And.Contain(names).And.EndWith($"See '{help}'.");
        error.Should().NotContain("   at ").And.NotContain("Unhandled exception");
    }

    [Test]
    public async Task An_in_range_VMPL_still_reaches_the_policy_and_a_valid_report_still_verifies()
    {
        (await CliRunner.RunAsync(VerifyReport("--vmpl", "0"))).ExitCode.Should().Be(ExitCodes.Success);
        (await CliRunner.RunAsync(VerifyReport("--vmpl", "3"))).ExitCode.Should().Be(ExitCodes.Rejected, "the Azure report was made at VMPL 0");
    }

    [Test]
    public async Task Help_and_version_are_not_errors_and_print_to_stdout()
    {
        var (helpExit, helpOutput, helpError) = await CliRunner.RunAsync("evidence", "inspect", "snp-report", "--help");
        var (versionExit, versionOutput, _) = await CliRunner.RunAsync("--version");

        helpExit.Should().Be(ExitCodes.Success);
        helpOutput.Should().Contain("Usage:");
        helpError.Should().BeEmpty();
        versionExit.Should().Be(ExitCodes.Success);
        versionOutput.Should().NotBeEmpty();
    }
}
