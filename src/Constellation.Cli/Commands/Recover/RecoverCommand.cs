using System;
using System.CommandLine;
using System.Security.Cryptography;
using Constellation.Atls;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cluster.Bootstrapper.Recovery;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Grpc.Core;

namespace Constellation.Cli.Commands.Recover;

/// <summary>
/// <c>constellation recover</c>: a rebooted control-plane node that found no join service serves the recovery API
/// (port 9999). This attests the node over aTLS with the configured variant and measurements first (a fresh nonce per
/// connection), and only then sends the cluster's KMS URI built from the master secret; the node derives its disk key,
/// unlocks its state disk and returns to its cluster.
/// </summary>
internal static class RecoverCommand
{
    public static Command Create()
    {
        var attestation = new ClusterAttestation();
        var masterSecret = new Option<string>("--master-secret")
        {
            Description = $"The cluster's master secret file ({Init.InitCommand.MasterSecretFileName}, written by init).",
            Required = true,
        };
        var command = new Command("recover", "Recover a rebooted control-plane node: attest it, then send the master secret so it unlocks its state disk.") { masterSecret };
        attestation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var endpoint = parse.GetValue(attestation.Endpoint)!;
            try
            {
                var config = await attestation.LoadAsync(parse, ct).ConfigureAwait(false);
                using var variants = new CliVariants();
                var validator = ClusterAttestation.CreateValidator(config, variants);
                var master = ReadMasterSecret(parse.GetValue(masterSecret)!);
                await ProgressDisplay.RunAsync(
                    error,
                    $"Recovering {endpoint} ({config.Variant.Name})…",
                    async () =>
                    {
                        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator] }).CreateChannel(endpoint);
                        await RecoveryClient.RecoverAsync(channel, master, ct).ConfigureAwait(false);
                        return true;
                    }).ConfigureAwait(false);
                await output.WriteLineAsync($"Recovered {endpoint}: the node unlocked its state disk and returns to its cluster.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"recover: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (RecoveryFailedException ex) when (ClusterAttestation.FindAttestationFailure(ex) is { } untrusted)
            {
                await error.WriteLineAsync(
                    $"recover: the node at {endpoint} is not trusted: {untrusted.Message}. Hint: nothing was sent; check that the measurements match the node's image.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
            catch (RecoveryFailedException ex) when (ex.Status is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                await error.WriteLineAsync(
                    $"recover: cannot reach the recovery server at {endpoint}: {ex.Message}. Hint: check --endpoint (the recovery port is 9999); only a rebooted control-plane node that found no join service serves it.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (RecoveryFailedException ex) when (ex.Status is StatusCode.PermissionDenied)
            {
                await error.WriteLineAsync(
                    $"recover: the node refused: {ex.Message}. Hint: pass the master secret of this node's cluster ({Init.InitCommand.MasterSecretFileName} from init); the node is unchanged.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
            catch (RecoveryFailedException ex)
            {
                await error.WriteLineAsync($"recover: the node refused: {ex.Message}. Hint: a node is recovered once per boot; check its status.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
        });
        return command;
    }

    private static MasterSecret ReadMasterSecret(string path)
    {
        byte[] file;
        try
        {
            file = InputFile.ReadBytes(path, "--master-secret", InputCap.MasterSecretFile, secret: true);
        }
        catch (UnusableInputException ex)
        {
            throw new UnusableInputException(ex.Message, $"pass the {Init.InitCommand.MasterSecretFileName} that init wrote");
        }

        try
        {
            return MasterSecret.ParseJson(file);
        }
        catch (FormatException ex)
        {
            throw new UnusableInputException($"--master-secret {path}: not a master secret file: {ex.Message}", $"pass the {Init.InitCommand.MasterSecretFileName} that init wrote");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(file);
        }
    }
}
