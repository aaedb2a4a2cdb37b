namespace Constellation.Cli.Tests.Tdx;

/// <summary>Runs the real CLI tree in-process (tdx-quote is mounted under <c>evidence inspect|verify</c>).</summary>
internal static class TdxCli
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
