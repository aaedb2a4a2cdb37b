using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Cli.Commands.Cluster;
using Constellation.Cluster.Transport;
using Constellation.Cluster.Verification;
using Grpc.Core;
using Spectre.Console;

namespace Constellation.Cli.Commands.Verify;

/// <summary>
/// <c>constellation verify</c>: sends a fresh nonce to a node's verification service (plain gRPC: the document is the
/// proof), validates the answer with the configured variant and measurements — the variant's cluster-ID register
/// extended with <c>--cluster-id</c>, or not checked without it, as the Go CLI does — and prints the measurements. Every
/// variant of the registry is accepted; one whose validator this CLI cannot build is refused naming what is missing.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var attestation = new ClusterAttestation();
        var clusterId = new Option<string?>("--cluster-id")
        {
            Description = "The cluster ID (hex or base64) printed by init; without it the cluster-ID register is not checked.",
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("verify", "Verify a node's attestation with a fresh nonce and print its measurements.") { clusterId, json };
        attestation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var endpoint = parse.GetValue(attestation.Endpoint)!;
            var asJson = parse.GetValue(json);
            AttestationConfig config;
            try
            {
                config = await attestation.LoadAsync(parse, ct).ConfigureAwait(false);
                var id = ParseClusterId(parse.GetValue(clusterId));
                if (config.Definition.ClusterIdRegister is { } index)
                {
                    config = config.WithMeasurements(config.Measurements.WithClusterId(index, id));
                }

                using var variants = new CliVariants();
                var validator = ClusterAttestation.CreateValidator(config, variants);
                var result = await ProgressDisplay.RunAsync(
                    error,
                    $"Verifying {endpoint} ({config.Variant.Name})…",
                    async () =>
                    {
                        using var channel = PlainGrpcChannelFactory.Instance.CreateChannel(endpoint);
                        return await VerificationClient.VerifyAsync(channel, validator, ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                await WriteResultAsync(output, endpoint, config, result, id.Length > 0, asJson).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (UnusableInputException ex)
            {
                await error.WriteLineAsync($"verify: {ex.ToOneLine()}").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
            catch (AttestationException ex)
            {
                if (asJson)
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(new { endpoint, verified = false, error = ex.Message })).ConfigureAwait(false);
                }

                await error.WriteLineAsync(
                    $"verify: the node at {endpoint} failed verification: {ex.Message}. Hint: check the measurements, and pass --cluster-id for an initialized node.").ConfigureAwait(false);
                return ExitCodes.Rejected;
            }
            catch (RpcException ex)
            {
                await error.WriteLineAsync(
                    $"verify: cannot get an attestation from {endpoint}: {ex.Status.StatusCode}: {ex.Status.Detail}. Hint: check --endpoint (the verification service's gRPC port is 9090).").ConfigureAwait(false);
                return ExitCodes.UnusableInput;
            }
        });
        return command;
    }

    private static byte[] ParseClusterId(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        text = text.Trim();
        try
        {
            var bytes = text.Length == 64 ? Convert.FromHexString(text) : Convert.FromBase64String(text);
            return bytes.Length == 32 ? bytes : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new UnusableInputException($"--cluster-id: expected 32 bytes as 64 hex digits or base64, got \"{text}\"", "copy the cluster ID init printed");
        }
    }

    private static async Task WriteResultAsync(TextWriter output, string endpoint, AttestationConfig config, AttestationValidationResult result, bool clusterIdChecked, bool json)
    {
        var rows = result.Measurements.Select(kv =>
        {
            var value = Convert.ToHexStringLower(kv.Value.AsSpan());
            if (!config.Measurements.TryGetValue(kv.Key, out var expected))
            {
                return (Index: kv.Key, Value: value, Expected: (string?)null, Status: "not checked");
            }

            var expectedHex = Convert.ToHexStringLower(expected.Expected.AsSpan());
            var status = string.Equals(expectedHex, value, StringComparison.Ordinal) ? "ok" : "mismatch (warn only)";
            return (Index: kv.Key, Value: value, Expected: expectedHex, Status: status);
        }).ToList();

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                endpoint,
                variant = result.Variant.Name,
                verified = true,
                clusterIdChecked,
                warnings = result.Warnings,
                measurements = rows.Select(r => new { index = r.Index, value = r.Value, expected = r.Expected, status = r.Status }),
            })).ConfigureAwait(false);
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            // Redirected output has no terminal width; keep whole register values on one line for scripts.
            console.Profile.Width = 200;
        }

        var table = new Table().AddColumns("Index", "Value", "Status");
        foreach (var row in rows)
        {
            table.AddRow(row.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Value, row.Status);
        }

        console.Write(table);
        foreach (var warning in result.Warnings)
        {
            console.WriteLine($"warning: {warning}", Style.Plain);
        }

        await output.WriteLineAsync(
            $"OK: {endpoint} attested as {result.Variant.Name}{(clusterIdChecked ? " with the cluster ID" : " (cluster ID not checked: pass --cluster-id)")}").ConfigureAwait(false);
    }
}
