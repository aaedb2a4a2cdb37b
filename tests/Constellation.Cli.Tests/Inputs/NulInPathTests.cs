using System.CommandLine;

namespace Constellation.Cli.Tests.Inputs;

/// <summary>
/// A unit test of the command code, not of the binary: a file path that holds a NUL byte is unusable input (exit 2, one
/// line), not a crash. exec() cannot pass a NUL inside an argument (argv strings end at the first NUL), so the published
/// binary never receives one and <see cref="CliRunner"/> cannot drive this; the command tree runs in-process here, as a
/// host that embeds it would run it.
/// </summary>
public class NulInPathTests
{
    [Test]
    public async Task A_path_that_holds_NUL_is_unusable_input_not_a_crash()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliInvocation.InvokeAsync(
            CommandTree.Build(), ["config", "fetch-measurements", "--config", "conf\0.yaml"], new InvocationConfiguration { Output = output, Error = error });

        exitCode.Should().Be(ExitCodes.UnusableInput, error.ToString());
        error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().Contain("is not a file path");
    }
}
