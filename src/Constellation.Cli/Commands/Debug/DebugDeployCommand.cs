using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cluster.Debugd;

namespace Constellation.Cli.Commands.Debug;

/// <summary>
/// <c>constellation debug deploy --node HOST[:PORT] --bootstrapper PATH --key KEY [--config F | --variant V --measurements F]</c>:
/// attests the node with the given measurements, uploads the bootstrapper over that aTLS channel with the debug key's
/// certificate, and prints the old and new SHA-256 and the new PID. A node that is not attested gets nothing.
/// </summary>
internal static class DebugDeployCommand
{
    public static Command Create()
    {
        var connection = new DebugdConnection();
        var bootstrapper = new Option<string>("--bootstrapper") { Description = "The bootstrapper executable to deploy (a locally built constellation-bootstrapper).", Required = true };
        var command = new Command("deploy", "Replace the bootstrapper of an attested debug node with a local build and restart it.") { bootstrapper };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var endpoint = DebugdConnection.Endpoint(parse.GetValue(connection.Node)!);
            var path = Path.GetFullPath(parse.GetValue(bootstrapper)!);
            try
            {
                using var executable = OpenExecutable(path);
                using var session = await connection.OpenAsync(parse, ct).ConfigureAwait(false);
                try
                {
                    var deployed = await ProgressDisplay.RunAsync(
                        error, $"Deploying {Path.GetFileName(path)} ({executable.Length} bytes) to {endpoint}…", () => DebugdClient.DeployAsync(session.Channel, executable, ct)).ConfigureAwait(false);
                    await parse.InvocationConfiguration.Output.WriteLineAsync(
                        $"Deployed to {endpoint}: bootstrapper sha256 {deployed.PreviousSha256} -> {deployed.Sha256}, running as pid {deployed.ProcessId}.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                catch (DebugdException ex)
                {
                    var (exitCode, line) = DebugdConnection.Explain("debug deploy", endpoint, session, ex);
                    await error.WriteLineAsync(line).ConfigureAwait(false);
                    return exitCode;
                }
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"debug deploy: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (AttestationException ex)
            {
                await error.WriteLineAsync($"debug deploy: the node at {endpoint} is not attested: {ex.Message}. Nothing was sent.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
        });
        return command;
    }

    private static FileStream OpenExecutable(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            if (stream.Length == 0)
            {
                stream.Dispose();
                throw new UnusableInputException($"--bootstrapper {path}: expected an executable, got an empty file");
            }

            return stream;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UnusableInputException($"--bootstrapper {path}: {ex.Message}", "pass the built bootstrapper executable");
        }
    }
}
