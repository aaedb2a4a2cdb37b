using System.CommandLine;
using System.Threading.Tasks;
using Constellation.Cluster.Debugd;

namespace Constellation.Cli.Commands.Debug;

/// <summary>
/// <c>constellation debug logs --node HOST[:PORT] --key KEY [--follow] [--config F | --variant V --measurements F]</c>:
/// prints the bootstrapper's output lines the attested debug node kept, and with <c>--follow</c> new ones until Ctrl+C.
/// </summary>
internal static class DebugLogsCommand
{
    public static Command Create()
    {
        var connection = new DebugdConnection();
        var follow = new Option<bool>("--follow") { Description = "Keep printing new lines until interrupted." };
        var command = new Command("logs", "Print the bootstrapper output of an attested debug node.") { follow };
        connection.AddTo(command);
        command.SetAction((parse, ct) => connection.RunAsync(parse, "debug logs", async session =>
        {
            var output = parse.InvocationConfiguration.Output;
            await foreach (var line in DebugdClient.ReadLogsAsync(session.Channel, parse.GetValue(follow), ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(line.Text).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
