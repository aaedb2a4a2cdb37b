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
            var endpoint = DebugdConnection.Endpoint(parse.GetValue(connection.Node)!);
            var path = Path.GetFullPath(parse.GetValue(bootstrapper)!);
            FileStream executable;
            try
            {
                executable = OpenExecutable(path);
            }
            catch (UnusableInputException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"debug deploy: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }

            using (executable)
            {
                return await connection.RunAsync(parse, "debug deploy", async session =>
                {
                    var deployed = await ProgressDisplay.RunAsync(
                        parse.InvocationConfiguration.Error,
                        $"Deploying {Path.GetFileName(path)} ({executable.Length} bytes) to {endpoint}…",
                        () => DebugdClient.DeployAsync(session.Channel, executable, ct)).ConfigureAwait(false);
                    await parse.InvocationConfiguration.Output.WriteLineAsync(
                        $"Deployed to {endpoint}: bootstrapper sha256 {deployed.PreviousSha256} -> {deployed.Sha256}, running as pid {deployed.ProcessId}.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }, ct).ConfigureAwait(false);
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
