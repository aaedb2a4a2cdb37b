using System;
using System.Buffers;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cluster.Bootstrapper.Init;
using Constellation.Cluster.Keys;
using Constellation.Cluster.Transport;
using Grpc.Core;

namespace Constellation.Cli.Commands.Init;

/// <summary>
/// <c>constellation init</c>: attested TLS to the first node's bootstrapper (the node must prove the configured variant
/// and measurements before anything is sent), sends a master secret and the init secret, and writes the admin
/// kubeconfig and the master secret file (both 0600).
/// </summary>
internal static class InitCommand
{
    public const string KubeconfigFileName = "constellation-admin.conf";
    public const string MasterSecretFileName = "constellation-mastersecret.json";

    public static Command Create()
    {
        var attestation = new ClusterAttestation();
        var initSecret = new Option<string>("--init-secret-file")
        {
            Description = "File holding the hex-encoded init secret the node was created with (its bcrypt hash is in the node's metadata).",
            Required = true,
        };
        var name = new Option<string>("--name") { Description = "The cluster name.", DefaultValueFactory = _ => "constellation" };
        var workspace = new Option<string>("--workspace")
        {
            Description = $"Where {KubeconfigFileName} and {MasterSecretFileName} are written (an existing master secret file is reused).",
            DefaultValueFactory = _ => Directory.GetCurrentDirectory(),
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (cluster ID and file paths)." };
        var command = new Command("init", "Initialize the cluster on its first node over attested TLS.") { initSecret, name, workspace, json };
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
                var secret = ReadInitSecret(parse.GetValue(initSecret)!);
                var dir = Path.GetFullPath(parse.GetValue(workspace)!);
                var kubeconfigPath = Path.Combine(dir, KubeconfigFileName);
                var masterSecretPath = Path.Combine(dir, MasterSecretFileName);
                if (File.Exists(kubeconfigPath))
                {
                    throw new UnusableInputException($"{kubeconfigPath} already exists", "this workspace belongs to an initialized cluster; use another --workspace");
                }

                Directory.CreateDirectory(dir);
                var master = await ReadOrCreateMasterSecretAsync(masterSecretPath, ct).ConfigureAwait(false);
                var result = await ProgressDisplay.RunAsync(
                    error,
                    $"Initializing the cluster on {endpoint} ({config.Variant.Name})…",
                    async () =>
                    {
                        using var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator] }).CreateChannel(endpoint);
                        return await InitClient.InitAsync(channel, master, RandomNumberGenerator.GetBytes(32), secret, parse.GetValue(name)!, ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                await SecretFile.WriteNewAsync(kubeconfigPath, result.Kubeconfig, ct).ConfigureAwait(false);

                var clusterId = Convert.ToHexStringLower(result.ClusterId.Span);
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(new { clusterId, kubeconfig = kubeconfigPath, masterSecret = masterSecretPath, variant = config.Variant.Name })).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync($"Cluster initialized. Cluster ID: {clusterId}").ConfigureAwait(false);
                    await output.WriteLineAsync($"Kubeconfig: {kubeconfigPath} (0600)").ConfigureAwait(false);
                    await output.WriteLineAsync($"Master secret: {masterSecretPath} (0600; keep it, it recovers the cluster)").ConfigureAwait(false);
                    await output.WriteLineAsync($"Verify a node: constellation verify --endpoint <host:9090> --cluster-id {clusterId}").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"init: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (InitFailedException ex) when (ClusterAttestation.FindAttestationFailure(ex) is { } untrusted)
            {
                await error.WriteLineAsync(
                    $"init: the node at {endpoint} is not trusted: {untrusted.Message}. Hint: nothing was sent; check that the measurements match the node's image (constellation config fetch-measurements).").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
            catch (InitFailedException ex) when (ex.Status is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                await error.WriteLineAsync($"init: cannot reach the bootstrapper at {endpoint}: {ex.Message}. Hint: check --endpoint (the init port is 9000) and that the node is running.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (InitFailedException ex)
            {
                await error.WriteLineAsync($"init: the node refused: {ex.Message}. Hint: a node initializes once; check the init secret and that the node is fresh.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"init: {ex.Message}. Hint: check the workspace directory's permissions.").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
        });
        return command;
    }

    private static byte[] ReadInitSecret(string path)
    {
        byte[] file;
        try
        {
            file = InputFile.ReadBytes(path, "--init-secret-file", InputCap.InitSecret, secret: true);
        }
        catch (UnusableInputException ex)
        {
            throw new UnusableInputException(ex.Message, "pass the file holding the node's init secret");
        }

        try
        {
            var hex = file.AsSpan().Trim(" \t\r\n"u8);
            var secret = new byte[hex.Length / 2];
            if (hex.IsEmpty || Convert.FromHexString(hex, secret, out _, out var written) != OperationStatus.Done || written != secret.Length)
            {
                CryptographicOperations.ZeroMemory(secret);
                throw new UnusableInputException($"--init-secret-file {path}: expected hex text", "write the init secret as hex digits");
            }

            return secret;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(file);
        }
    }

    private static async Task<MasterSecret> ReadOrCreateMasterSecretAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            var file = InputFile.ReadBytes(path, "master secret", InputCap.MasterSecretFile, secret: true);
            try
            {
                return MasterSecret.ParseJson(file);
            }
            catch (FormatException ex)
            {
                throw new UnusableInputException($"{path}: not a master secret file: {ex.Message}", "move it away to generate a new master secret");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(file);
            }
        }

        // Written before the node sees it, so a cluster never exists whose master secret was lost.
        var master = MasterSecret.Generate();
        await master.WriteFileAsync(path, cancellationToken).ConfigureAwait(false);
        return master;
    }
}
