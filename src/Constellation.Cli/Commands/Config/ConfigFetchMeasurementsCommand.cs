using System;
using System.CommandLine;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;
using Constellation.Attestation.Config;
using Constellation.Attestation.Measurements.Signed;

namespace Constellation.Cli.Commands.Config;

/// <summary>
/// <c>constellation config fetch-measurements [--config &lt;file&gt;] [--url &lt;URL&gt;] [--signature-url &lt;URL&gt;]
/// [--public-key &lt;PEM&gt;] [--insecure]</c>: fetches the image's signed measurements, verifies them and writes them
/// into the config's attestation section. On any failure the config file is left byte-for-byte unchanged.
/// </summary>
public static class ConfigFetchMeasurementsCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The config file (default: constellation-conf.yaml in the working directory)." };
        var url = new Option<string?>("--url", "-u") { Description = "Measurements URL (default: the image's measurements.json on the Constellation CDN)." };
        var signatureUrl = new Option<string?>("--signature-url", "-s") { Description = "Signature URL (default: the measurements URL with .sig appended)." };
        var publicKey = new Option<string?>("--public-key") { Description = "Public key (PEM text or a path to a PEM file) to verify the signature with (default: the built-in Constellation key for the image)." };
        var insecure = new Option<bool>("--insecure") { Description = "Skip the signature check. DANGEROUS: whoever can alter the download decides which nodes are trusted." };
        var command = new Command("fetch-measurements", "Fetch the signed measurements of the config's image, verify them and write them into the config.")
        {
            config, url, signatureUrl, publicKey, insecure,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            parse.GetValue(config) ?? Path.Combine(Directory.GetCurrentDirectory(), ConstellationConfigFile.DefaultFileName),
            parse.GetValue(url),
            parse.GetValue(signatureUrl),
            parse.GetValue(publicKey),
            parse.GetValue(insecure),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        TextWriter output, TextWriter error, string path, string? url, string? signatureUrl, string? publicKey, bool insecure, CancellationToken cancellationToken)
    {
        byte[] original;
        ConstellationConfigFile config;
        SignedMeasurementsRequest request;
        try
        {
            original = InputFile.ReadBytes(path, "--config", InputCap.ConfigFile);
            config = ConstellationConfigFile.Parse(Encoding.UTF8.GetString(original));
            request = new SignedMeasurementsRequest(ImageVersion.Parse(config.Image), config.Provider, config.Attestation.Variant)
            {
                MeasurementsUri = ParseUrl("--url", url),
                SignatureUri = ParseUrl("--signature-url", signatureUrl),
                PublicKey = publicKey is null ? null : LoadKey(publicKey),
                SkipSignatureCheck = insecure,
            };
        }
        catch (UnusableInputException ex)
        {
            await error.WriteLineAsync($"Error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (Exception ex) when (ex is AttestationException or UriFormatException)
        {
            await error.WriteLineAsync($"Error: {path}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }

        if (insecure)
        {
            await error.WriteLineAsync(
                "WARNING: --insecure: the measurements' signature is NOT verified. Anyone able to alter the download decides which nodes your cluster trusts. Never use this in production.")
                .ConfigureAwait(false);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var fetcher = new SignedMeasurementsFetcher(http);
        string updated;
        SignedMeasurementsResult result;
        try
        {
            result = await fetcher.FetchAsync(request, cancellationToken).ConfigureAwait(false);
            var merged = MeasurementsMerge.Overlay(config.Attestation.Measurements, result.Measurements);
            updated = ConstellationConfigFile.WithMeasurements(Encoding.UTF8.GetString(original), merged);
        }
        catch (CollateralUnavailableException ex)
        {
            await error.WriteLineAsync($"Error: {ex.Message}. {path} was not changed.").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (AttestationException ex)
        {
            await error.WriteLineAsync($"Error: measurements rejected: {ex.Message}. {path} was not changed.").ConfigureAwait(false);
            return ExitCodes.Rejected;
        }

        try
        {
            AtomicFile.Replace(path, updated, original);
        }
        catch (UnusableInputException ex)
        {
            await error.WriteLineAsync($"Error: {ex.Message}; {path} was not changed").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Error: cannot write {path}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UnusableInput;
        }

        await output.WriteLineAsync(result.SignatureVerified
            ? $"Measurements for {config.Image} ({config.Provider.ToConfigString()}, {config.Attestation.Variant.Name}) fetched from {result.MeasurementsUri}, signature verified with key {result.KeyFingerprint}, written to {path}."
            : $"Measurements for {config.Image} ({config.Provider.ToConfigString()}, {config.Attestation.Variant.Name}) fetched from {result.MeasurementsUri} WITHOUT signature verification, written to {path}.")
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static Uri? ParseUrl(string option, string? value)
    {
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new UriFormatException($"{option}: expected an absolute http(s) URL, got \"{value}\"");
    }

    /// <summary>Reads <c>--public-key</c>: PEM text or a path to a PEM file (shared with <c>upgrade apply</c>).</summary>
    internal static MeasurementsPublicKey LoadKey(string value)
    {
        var pem = value.Contains("-----BEGIN", StringComparison.Ordinal)
            ? value
            : InputFile.ReadText(value, "--public-key", InputCap.PublicKeyPem);
        return MeasurementsPublicKey.FromPem(pem);
    }
}
