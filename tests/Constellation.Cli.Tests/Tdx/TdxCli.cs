using System.CommandLine;
using Constellation.Cli.Commands.Evidence.Tdx;

namespace Constellation.Cli.Tests.Tdx;

/// <summary>Runs the tdx-quote commands in-process under <c>evidence inspect|verify</c>, as the CLI tree mounts them.</summary>
internal static class TdxCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var inspect = new Command("inspect") { TdxQuoteCommands.CreateInspect() };
        var verify = new Command("verify") { TdxQuoteCommands.CreateVerify() };
        var root = new RootCommand { new Command("evidence") { inspect, verify } };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
