using System.CommandLine;
using Constellation.Attestation;
using Constellation.Cli.Commands;

namespace Constellation.Cli.Tests.CommandLine;

/// <summary>
/// A unit test of <see cref="CliInvocation"/>, the net below every command, not of the binary: an exception a command
/// does not handle is one line on stderr, never a stack trace by default, and an exit code that says what happened: 3
/// for a bug, 2 for unusable input, 1 only for a library rejection. Never 0. The commands catch what real input makes
/// them throw, so no input to the published binary lets one of these escape (one that did would be the bug tested
/// here); the exceptions are thrown by a test command instead, and the production binary has no switch to inject them.
/// The one escape real input does reach, Ctrl+C (exit 130), is tested on the binary (<see cref="InterruptTests"/>).
/// </summary>
public class UnhandledExceptionTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunThrowingAsync(Exception exception, bool showStackTraces = false)
    {
        var root = new RootCommand("test");
        var boom = new Command("boom");
        boom.SetAction(_ => ThrowHelper(exception));
        root.Subcommands.Add(boom);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliInvocation.InvokeAsync(root, ["boom"], new InvocationConfiguration { Output = output, Error = error }, showStackTraces);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static int ThrowHelper(Exception exception) => throw exception;

    [Test]
    public async Task A_bug_exits_3_with_one_line_naming_the_exception_and_no_stack_trace()
    {
        var (exitCode, output, error) = await RunThrowingAsync(new InvalidOperationException("the cache was\nin a bad state"));

        exitCode.Should().Be(ExitCodes.InternalError);
        output.Should().BeEmpty();
        var line = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(error).Subject;
        line.Should().StartWith("error: internal error (InvalidOperationException): the cache was in a bad state.")
            .And.Contain($"{CliInvocation.StackTraceVariable}=1");
        error.Should().NotContain(" at ").And.NotContain(nameof(ThrowHelper));
    }

    [Test]
    public async Task The_stack_trace_of_a_bug_is_printed_only_when_asked_for()
    {
        var (exitCode, _, error) = await RunThrowingAsync(new InvalidOperationException("boom"), showStackTraces: true);

        exitCode.Should().Be(ExitCodes.InternalError);
        error.Should().Contain(nameof(ThrowHelper));
    }

    [Test]
    public async Task Unusable_input_that_escapes_a_command_exits_2_with_its_hint()
    {
        var (exitCode, _, error) = await RunThrowingAsync(new UnusableInputException("--config x: not found", "pass --config"));

        exitCode.Should().Be(ExitCodes.UnusableInput);
        error.TrimEnd().Should().Be("error: --config x: not found. Hint: pass --config.");
    }

    [Test]
    public async Task A_format_error_or_missing_collateral_that_escapes_exits_2()
    {
        (await RunThrowingAsync(new AttestationFormatException("quote: too short"))).ExitCode.Should().Be(ExitCodes.UnusableInput);
        (await RunThrowingAsync(new CollateralUnavailableException("no CRL cached"))).ExitCode.Should().Be(ExitCodes.UnusableInput);
    }

    [Test]
    public async Task A_verification_failure_that_escapes_exits_1_as_rejected()
    {
        var (exitCode, _, error) = await RunThrowingAsync(new AttestationSignatureException("quote signature does not verify"));

        exitCode.Should().Be(ExitCodes.Rejected);
        error.TrimEnd().Should().Be("rejected: quote signature does not verify");
    }
}
