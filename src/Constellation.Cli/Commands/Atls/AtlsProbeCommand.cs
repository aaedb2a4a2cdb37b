using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Atls;
using Constellation.Atls.Http;
using Constellation.Attestation;

namespace Constellation.Cli.Commands.Atls;

/// <summary>
/// <c>constellation atls probe host:port --variant v [--measurements file] [--mutual] [--json]</c>: connects with a
/// fresh nonce, validates the server (any variant of the registry whose validator this CLI can build; the measurements
/// are required for every variant that measures something), sends <c>GET /</c> and prints the validated user data, the
/// certificate's OIDs and the body. Exit 0 when attestation succeeded, 1 when rejected (every reason printed), 2 for unusable input or no connection.
/// </summary>
public static class AtlsProbeCommand
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var target = new Argument<string>("host:port") { Description = "The aTLS server." };
        var variant = new Option<string>("--variant") { Description = "Attestation variant to accept.", Required = true };
        var measurements = new Option<FileInfo?>("--measurements") { Description = "Expected measurements (Constellation JSON or YAML); every mismatch is reported." };
        var mutual = new Option<bool>("--mutual") { Description = "Present an attested client certificate when the server asks (mutual aTLS)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("probe", "Connect to an aTLS server, validate its attestation and GET / (the aTLS counterpart of openssl s_client).")
        {
            target, variant, measurements, mutual, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new ProbeRequest(parse.GetValue(target)!, parse.GetValue(variant)!, parse.GetValue(measurements), parse.GetValue(mutual), parse.GetValue(json)),
            parse.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ProbeRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var report = new ProbeReport(request.Json, output);
        using var variants = new CliVariants();
        Uri address;
        AtlsOptions options;
        MeasurementSet? expected;
        try
        {
            address = ParseTarget(request.Target);
            var variant = AtlsVariantSupport.ParseVariant(request.Variant);
            expected = request.Measurements is null ? null : AtlsVariantSupport.LoadMeasurements(request.Measurements);
            options = new AtlsOptions
            {
                Validators = [AtlsVariantSupport.CreateValidator(variant, expected, variants)],
                Issuer = request.Mutual ? AtlsVariantSupport.CreateIssuer(variant, variants) : null,
            };
        }
        catch (Exception ex) when (ex is UnusableInputException or AttestationException or NotSupportedException or FormatException)
        {
            return await report.FailAsync(ExitCodes.UnusableInput, "unusable input", [ex is UnusableInputException unusable ? unusable.ToOneLine() : ex.Message]).ConfigureAwait(false);
        }

        using var issuer = options.Issuer as IDisposable;

        AtlsPeer? peer = null;
        string body;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var http = new HttpClient(new AtlsHttpMessageHandler(options, p => peer = p)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            using var response = await http.GetAsync(address, timeout.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                report.Peer(peer);
                return await report.FailAsync(ExitCodes.UnusableInput, "request failed", [$"GET / answered {(int)response.StatusCode} {response.ReasonPhrase}"]).ConfigureAwait(false);
            }
        }
        catch (HttpRequestException ex) when (FindAttestationError(ex) is { } rejection)
        {
            return await report.FailAsync(ExitCodes.Rejected, "attestation rejected", Reasons(rejection)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or AuthenticationException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reasons = Reasons(ex);
            if (peer is not null)
            {
                report.Peer(peer);
                reasons.Insert(0, "the server's attestation was valid, but the server closed the connection before answering (does it require a client attestation? try --mutual)");
            }

            return await report.FailAsync(ExitCodes.UnusableInput, "no connection", reasons).ConfigureAwait(false);
        }

        report.Peer(peer);
        if (expected is not null && peer?.Attestation is { } attestation)
        {
            var comparison = expected.Compare(attestation.Measurements.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
            if (!comparison.Succeeded)
            {
                return await report.FailAsync(ExitCodes.Rejected, "measurements rejected", comparison.Failures.Select(f => f.ToString()).ToList()).ConfigureAwait(false);
            }

            report.Warnings(comparison.Warnings.Select(w => w.ToString()));
        }

        return await report.SucceedAsync(body).ConfigureAwait(false);
    }

    private static Uri ParseTarget(string target)
    {
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"target: expected host:port, got \"{target}\"");
        }

        var host = target[..colon];
        return new UriBuilder(Uri.UriSchemeHttps, host, port, "/").Uri;
    }

    private static AttestationException? FindAttestationError(Exception ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is AttestationException attestation)
            {
                return attestation;
            }
        }

        return null;
    }

    private static List<string> Reasons(Exception ex)
    {
        if (ex is AttestationPolicyException policy)
        {
            return policy.Violations.Select(v => v.ToString()).ToList();
        }

        var reasons = new List<string>();
        for (var current = ex; current is not null; current = current.InnerException)
        {
            reasons.Add($"{current.GetType().Name}: {current.Message}");
        }

        return reasons;
    }

    private sealed record ProbeRequest(string Target, string Variant, FileInfo? Measurements, bool Mutual, bool Json);

    private sealed class ProbeReport(bool json, TextWriter output)
    {
        private readonly List<string> _warnings = [];
        private AtlsPeer? _peer;

        public void Peer(AtlsPeer? peer) => _peer = peer;

        public void Warnings(IEnumerable<string> warnings) => _warnings.AddRange(warnings);

        public async Task<int> FailAsync(int exitCode, string verdict, IReadOnlyList<string> reasons)
        {
            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["attested"] = false,
                    ["verdict"] = verdict,
                    ["reasons"] = reasons,
                    ["oids"] = _peer?.ExtensionOids.ToArray(),
                })).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"{verdict}:").ConfigureAwait(false);
                foreach (var reason in reasons)
                {
                    await output.WriteLineAsync($"  - {reason}").ConfigureAwait(false);
                }
            }

            return exitCode;
        }

        public async Task<int> SucceedAsync(string body)
        {
            var userData = _peer?.Attestation is { } a ? Convert.ToHexStringLower(a.UserData.Span) : string.Empty;
            var oids = _peer?.ExtensionOids.ToArray() ?? [];
            var warnings = _warnings.Concat(_peer?.Attestation?.Warnings ?? []).ToList();
            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["attested"] = true,
                    ["variant"] = _peer?.Attestation?.Variant.Name,
                    ["userData"] = userData,
                    ["oids"] = oids,
                    ["warnings"] = warnings,
                    ["body"] = body,
                })).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"attested: {_peer?.Attestation?.Variant.Name}").ConfigureAwait(false);
                await output.WriteLineAsync($"user data: {userData}").ConfigureAwait(false);
                await output.WriteLineAsync($"certificate OIDs: {string.Join(' ', oids)}").ConfigureAwait(false);
                foreach (var warning in warnings)
                {
                    await output.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
                }

                await output.WriteLineAsync($"body: {body}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
    }
}
