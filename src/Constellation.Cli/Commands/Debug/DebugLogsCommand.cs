using System.CommandLine;
using System.Threading.Tasks;
using Constellation.Attestation;
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
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var endpoint = DebugdConnection.Endpoint(parse.GetValue(connection.Node)!);
            try
            {
                using var session = await connection.OpenAsync(parse, ct).ConfigureAwait(false);
                try
                {
                    await foreach (var line in DebugdClient.ReadLogsAsync(session.Channel, parse.GetValue(follow), ct).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync(line.Text).ConfigureAwait(false);
                        await output.FlushAsync(ct).ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }
                catch (DebugdException ex)
                {
                    var (exitCode, text) = DebugdConnection.Explain("debug logs", endpoint, session, ex);
                    await error.WriteLineAsync(text).ConfigureAwait(false);
                    return exitCode;
                }
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"debug logs: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (AttestationException ex)
            {
                await error.WriteLineAsync($"debug logs: the node at {endpoint} is not attested: {ex.Message}.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
        });
        return command;
    }
}
