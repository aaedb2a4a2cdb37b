using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cli.Commands.Config;
using Constellation.Cluster;
using Constellation.Cluster.ClusterServices.Admin;
using Constellation.Cluster.Transport;

namespace Constellation.Cli.Commands.Upgrade;

/// <summary>
/// <c>constellation upgrade apply --measurements F [--signature S] [--endpoint host:port] [--config F] [--kubeconfig F]
/// [--public-key PEM] [--insecure] [--json]</c>: verifies a signed measurements file for the config's image (as
/// <c>config fetch-measurements</c> does, for a file at hand), sends the variant's attestation config with those
/// measurements to the cluster services' admin API — over aTLS that validates the node with the <b>current</b>
/// measurements, authenticated with the admin kubeconfig's client certificate — and, once applied, writes the new
/// measurements into the config. On any failure the config is left byte-for-byte unchanged.
/// </summary>
internal static class UpgradeApplyCommand
{
    /// <summary>The admin API's port on the cluster services (<c>ClusterServicesOptions.AdminServicePort</c>).</summary>
    public const int AdminPort = 30092;

    public static Command Create()
    {
        var measurements = new Option<string>("--measurements") { Description = "The image's measurements.json (as published beside the image).", Required = true };
        var signature = new Option<string?>("--signature") { Description = "Its signature (default: the measurements path with .sig appended)." };
        var endpoint = new Option<string?>("--endpoint") { Description = $"The admin API as host:port (default: the kubeconfig's API server host, port {AdminPort})." };
        var config = new Option<string?>("--config") { Description = $"The cluster configuration (default: ./{ConstellationConfigFile.DefaultFileName}); its measurements validate the node and are replaced on success." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = $"The admin kubeconfig init wrote (default: ./{Init.InitCommand.KubeconfigFileName})." };
        var publicKey = new Option<string?>("--public-key") { Description = "Public key (PEM text or a path to a PEM file) to verify the signature with (default: the built-in Constellation key for the image)." };
        var insecure = new Option<bool>("--insecure") { Description = "Skip the signature check. DANGEROUS: whoever can alter the file decides which nodes your cluster admits." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("apply", "Apply signed measurements to the running cluster: new nodes are checked against them at once.")
        {
            measurements, signature, endpoint, config, kubeconfig, publicKey, insecure, json,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            new Request(
                parse.GetValue(measurements)!,
                parse.GetValue(signature),
                parse.GetValue(endpoint),
                Path.GetFullPath(parse.GetValue(config) ?? ConstellationConfigFile.DefaultFileName),
                Path.GetFullPath(parse.GetValue(kubeconfig) ?? Init.InitCommand.KubeconfigFileName),
                parse.GetValue(publicKey),
                parse.GetValue(insecure),
                parse.GetValue(json)),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, TextWriter error, Request request, CancellationToken cancellationToken)
    {
        var endpoint = request.Endpoint ?? "(from the kubeconfig)";
        try
        {
            var original = InputFile.ReadBytes(request.ConfigPath, "--config", InputCap.ConfigFile);
            var current = ParseConfig(request.ConfigPath, original);
            using var credential = ReadCredential(request.KubeconfigPath, out var apiServerHost);
            endpoint = request.Endpoint ?? $"{apiServerHost}:{AdminPort}";
            var verified = VerifyMeasurements(request, current);
            if (request.Insecure)
            {
                await error.WriteLineAsync(
                    "WARNING: --insecure: the measurements' signature is NOT verified. Anyone able to alter the file decides which nodes your cluster admits. Never use this in production.")
                    .ConfigureAwait(false);
            }

            var merged = MeasurementsMerge.Overlay(current.Attestation.Measurements, verified.Measurements);
            var policy = current.Attestation.WithMeasurements(merged);
            using var variants = new CliVariants();
            var validator = ClusterAttestation.CreateValidator(MemberAttestation(current.Attestation), variants);
            JoinPolicyApplied applied;
            using (var channel = new AtlsGrpcChannelFactory(new AtlsOptions { Validators = [validator], ClientCertificate = credential }).CreateChannel(endpoint))
            {
                applied = await ProgressDisplay.RunAsync(
                    error,
                    $"Applying the new {policy.Variant.Name} measurements through {endpoint}…",
                    () => AdminClient.SetJoinPolicyAsync(channel, policy, cancellationToken)).ConfigureAwait(false);
            }

            var configWritten = WriteConfig(request.ConfigPath, original, merged);
            var digest = "sha256:" + applied.DigestHex;
            if (request.Json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(
                    new UpgradeApplyResult(applied.Variant, digest, endpoint, request.ConfigPath, verified.SignatureVerified), CliJsonContext.Default.UpgradeApplyResult)).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"Upgrade applied: new nodes are admitted by the {applied.Variant} policy {digest} ({merged.Count} measurements, {(verified.SignatureVerified ? $"signature verified with key {verified.KeyFingerprint}" : "signature NOT verified")}).").ConfigureAwait(false);
                await output.WriteLineAsync(configWritten is null ? $"{request.ConfigPath} updated." : $"WARNING: the cluster was upgraded but {request.ConfigPath} was not updated: {configWritten}").ConfigureAwait(false);
            }

            return configWritten is null ? ExitCodes.Success : ExitCodes.UnusableInput;
        }
        catch (UnusableInputException ex)
        {
            await error.WriteLineAsync($"upgrade apply: {ex.ToOneLine()}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (CollateralUnavailableException ex)
        {
            await error.WriteLineAsync($"upgrade apply: {ex.Message}. Nothing was applied.").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (AttestationException ex)
        {
            await error.WriteLineAsync($"upgrade apply: measurements rejected: {ex.Message}. Nothing was applied; {request.ConfigPath} was not changed.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
        catch (JoinPolicyRejectedException ex)
        {
            await error.WriteLineAsync($"upgrade apply: the cluster refused the policy: {ex.Message}. Nothing was applied.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
        catch (AdminApiException ex) when (ClusterAttestation.FindAttestationFailure(ex) is { } untrusted)
        {
            await error.WriteLineAsync(
                $"upgrade apply: the node at {endpoint} is not trusted: {untrusted.Message}. Hint: nothing was sent; --config must hold the measurements the cluster runs with now.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
        catch (AdminApiException ex)
        {
            await error.WriteLineAsync(
                $"upgrade apply: the admin API at {endpoint} did not apply the policy: {ex.Message}. Hint: check --endpoint (the admin port is {AdminPort}) and that --kubeconfig is this cluster's admin kubeconfig; the service refuses any other client certificate.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
    }

    /// <summary>
    /// What the admin API's node must show: the config's measurements without the cluster-ID register, which a member
    /// extended with the cluster ID when it was initialised or joined (not known here; as <c>verify</c> without
    /// <c>--cluster-id</c>). Joining nodes still need it unextended: the policy sent keeps it.
    /// </summary>
    private static AttestationConfig MemberAttestation(AttestationConfig config) =>
        config.Definition.ClusterIdRegister is { } index ? config.WithMeasurements(config.Measurements.WithClusterId(index, [])) : config;

    private static ConstellationConfigFile ParseConfig(string path, byte[] original)
    {
        try
        {
            return ConstellationConfigFile.Parse(Encoding.UTF8.GetString(original), CliVariants.Registry);
        }
        catch (AttestationFormatException ex)
        {
            throw new UnusableInputException($"configuration {path}: {ex.Message}", "fix the file or generate one with `constellation config generate`");
        }
    }

    private static X509Certificate2 ReadCredential(string path, out string apiServerHost)
    {
        byte[] kubeconfig;
        try
        {
            kubeconfig = InputFile.ReadBytes(path, "--kubeconfig", InputCap.Kubeconfig, secret: true);
        }
        catch (UnusableInputException ex)
        {
            throw new UnusableInputException(ex.Message, $"pass --kubeconfig with the {Init.InitCommand.KubeconfigFileName} `constellation init` wrote");
        }

        try
        {
            apiServerHost = AdminCredential.ApiServerHost(kubeconfig);
            return AdminCredential.FromKubeconfig(kubeconfig);
        }
        catch (ClusterException ex)
        {
            throw new UnusableInputException($"--kubeconfig {path}: {ex.Message}", $"pass the {Init.InitCommand.KubeconfigFileName} `constellation init` wrote");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kubeconfig);
        }
    }

    private static SignedMeasurementsResult VerifyMeasurements(Request request, ConstellationConfigFile config)
    {
        var path = Path.GetFullPath(request.MeasurementsPath);
        var file = InputFile.ReadBytes(path, "--measurements", InputCap.Measurements);
        var signature = request.Insecure
            ? []
            : ReadSignature(request.SignaturePath ?? path + ".sig", request.SignaturePath is null);
        SignedMeasurementsRequest what;
        try
        {
            what = new SignedMeasurementsRequest(ImageVersion.Parse(config.Image), config.Provider, config.Attestation.Variant)
            {
                PublicKey = request.PublicKey is null ? null : ConfigFetchMeasurementsCommand.LoadKey(request.PublicKey),
                SkipSignatureCheck = request.Insecure,
            };
        }
        catch (AttestationFormatException ex)
        {
            throw new UnusableInputException($"{request.ConfigPath}: {ex.Message}", "the image and --public-key must be usable");
        }

        return SignedMeasurementsFetcher.Verify(what, new Uri(path), file, signature);
    }

    private static byte[] ReadSignature(string path, bool defaulted)
    {
        try
        {
            return InputFile.ReadBytes(path, "--signature", InputCap.MeasurementsSignature);
        }
        catch (UnusableInputException ex)
        {
            throw new UnusableInputException(
                ex.Message, defaulted ? "pass --signature with the measurements' signature file (or --insecure to skip the check: dangerous)" : "pass the measurements' signature file");
        }
    }

    /// <returns>Null when written, else why not (the cluster already runs the new policy).</returns>
    private static string? WriteConfig(string path, byte[] original, MeasurementSet merged)
    {
        try
        {
            AtomicFile.Replace(path, ConstellationConfigFile.WithMeasurements(Encoding.UTF8.GetString(original), merged), original);
            return null;
        }
        catch (UnusableInputException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private sealed record Request(
        string MeasurementsPath, string? SignaturePath, string? Endpoint, string ConfigPath, string KubeconfigPath, string? PublicKey, bool Insecure, bool Json);
}
