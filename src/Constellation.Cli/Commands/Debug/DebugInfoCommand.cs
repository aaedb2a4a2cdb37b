using System.CommandLine;
using System.Threading.Tasks;
using System.Globalization;
using Constellation.Cluster.Debugd;

namespace Constellation.Cli.Commands.Debug;

/// <summary>
/// <c>constellation debug info --node HOST[:PORT] --key KEY [--config F | --variant V --measurements F]</c>: which
/// bootstrapper the attested debug node runs (its SHA-256), as which process, since when, how often it was deployed to
/// and restarted.
/// </summary>
internal static class DebugInfoCommand
{
    public static Command Create()
    {
        var connection = new DebugdConnection();
        var command = new Command("info", "Show which bootstrapper build an attested debug node runs.");
        connection.AddTo(command);
        command.SetAction((parse, ct) => connection.RunAsync(parse, "debug info", async session =>
        {
            var status = await DebugdClient.GetStatusAsync(session.Channel, ct).ConfigureAwait(false);
            var pid = status.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none (not running)";
            var started = status.StartedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "-";
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"bootstrapper sha256 {status.Sha256}, pid {pid}, started {started}, deploys {status.Deploys}, restarts {status.Restarts}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
