using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Measurements.Signed;

/// <summary>
/// Fetches an image's signed <c>measurements.json</c> and <c>measurements.json.sig</c>, verifies the signature with a
/// pinned key before reading anything from the file, checks the file's version, ref and stream against the request,
/// refuses downgrades, and selects the entry for the CSP and variant.
/// </summary>
/// <remarks>
/// Safe to use concurrently (it holds no mutable state; the <see cref="HttpClient"/> is the caller's). Nothing is
/// written anywhere: the caller decides what to do with the result. The Rekor transparency-log check of the Go CLI is
/// not performed.
/// </remarks>
public sealed class SignedMeasurementsFetcher
{
    private readonly HttpClient _http;
    private readonly SignedMeasurementsFetcherOptions _options;

    /// <summary>Creates a fetcher.</summary>
    /// <param name="httpClient">The client to fetch with (owned by the caller).</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public SignedMeasurementsFetcher(HttpClient httpClient, SignedMeasurementsFetcherOptions? options = null)
    {
        _http = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _options = options ?? new SignedMeasurementsFetcherOptions();
    }

    /// <summary>Gets the measurements URL of an image below the base URL.</summary>
    /// <param name="image">The image version.</param>
    /// <returns>The URL.</returns>
    public Uri DefaultMeasurementsUri(ImageVersion image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new Uri(_options.BaseUri, image.MeasurementsPath());
    }

    /// <summary>Fetches, verifies and selects measurements.</summary>
    /// <param name="request">What to fetch.</param>
    /// <param name="cancellationToken">Cancels the downloads.</param>
    /// <returns>The selected measurements.</returns>
    /// <exception cref="CollateralUnavailableException">A download failed (unreachable server, HTTP error, too large).</exception>
    /// <exception cref="AttestationSignatureException">The signature does not verify with the pinned key.</exception>
    /// <exception cref="AttestationFormatException">The verified file is malformed.</exception>
    /// <exception cref="MeasurementsDowngradeException">The file is for an older image version than requested.</exception>
    /// <exception cref="AttestationPolicyException">The file's ref, stream or version differ from the request, or it has no entry for the CSP and variant.</exception>
    public async Task<SignedMeasurementsResult> FetchAsync(SignedMeasurementsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fileUri = request.MeasurementsUri ?? DefaultMeasurementsUri(request.Image);
        var signatureUri = request.SignatureUri ?? new Uri(fileUri.AbsoluteUri + ".sig");

        var file = await DownloadAsync(fileUri, "measurements file", cancellationToken).ConfigureAwait(false);
        var signature = request.SkipSignatureCheck
            ? []
            : await DownloadAsync(signatureUri, "measurements signature", cancellationToken).ConfigureAwait(false);
        return Verify(request, fileUri, file, signature);
    }

    /// <summary>
    /// Verifies and selects measurements already at hand (a local <c>measurements.json</c> and its <c>.sig</c>, as
    /// <c>upgrade apply</c> reads them) with the same checks as <see cref="FetchAsync"/>: the signature with the pinned
    /// key before anything is read from the file (unless <see cref="SignedMeasurementsRequest.SkipSignatureCheck"/>),
    /// then version, ref and stream, downgrade, and the entry for the CSP and variant.
    /// </summary>
    /// <param name="request">What the file must be (its <see cref="SignedMeasurementsRequest.MeasurementsUri"/> is not used).</param>
    /// <param name="source">Where the file came from, reported in the result.</param>
    /// <param name="file">The measurements file.</param>
    /// <param name="signature">The signature file (base64 DER ECDSA); ignored when the check is skipped.</param>
    /// <returns>The selected measurements.</returns>
    /// <exception cref="AttestationSignatureException">The signature does not verify with the pinned key.</exception>
    /// <exception cref="AttestationFormatException">The verified file is malformed.</exception>
    /// <exception cref="MeasurementsDowngradeException">The file is for an older image version than requested.</exception>
    /// <exception cref="AttestationPolicyException">The file's ref, stream or version differ from the request, or it has no entry for the CSP and variant.</exception>
    public static SignedMeasurementsResult Verify(SignedMeasurementsRequest request, Uri source, ReadOnlySpan<byte> file, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        string? fingerprint = null;
        if (!request.SkipSignatureCheck)
        {
            var key = request.PublicKey ?? MeasurementsPublicKey.ForImage(request.Image);
            MeasurementsSignature.Verify(file, signature, key);
            fingerprint = key.Fingerprint;
        }

        var parsed = ImageMeasurements.Parse(file);
        CheckIdentity(request, parsed);
        var entry = parsed.Find(request.Csp, request.Variant)
            ?? throw new AttestationPolicyException([PolicyViolation.Create(
                "list",
                $"an entry for csp {request.Csp.ToConfigString()} and variant {request.Variant.Name}",
                parsed.Entries.IsEmpty ? "no entries" : string.Join(", ", parsed.Entries.Select(e => $"{e.Csp.ToConfigString()}/{e.Variant.Name}")))]);
        return new SignedMeasurementsResult(entry.Measurements, parsed, source, fingerprint);
    }

    private static void CheckIdentity(SignedMeasurementsRequest request, ImageMeasurements file)
    {
        var violations = new List<PolicyViolation>();
        if (file.Ref != request.Image.Ref)
        {
            violations.Add(PolicyViolation.Create("ref", request.Image.Ref, file.Ref));
        }

        if (file.Stream != request.Image.Stream)
        {
            violations.Add(PolicyViolation.Create("stream", request.Image.Stream, file.Stream));
        }

        ImageVersion? fileVersion = null;
        try
        {
            fileVersion = ImageVersion.Create(request.Image.Ref, request.Image.Stream, file.Version);
        }
        catch (AttestationFormatException)
        {
            // Not a semantic version: reported as a plain version mismatch below.
        }

        var downgrade = fileVersion is not null && fileVersion < request.Image;
        if (file.Version != request.Image.Version)
        {
            violations.Add(PolicyViolation.Create(
                "version",
                request.Image.Version,
                downgrade ? $"{file.Version} (older: downgrade refused)" : file.Version));
        }

        if (violations.Count > 0)
        {
            throw downgrade ? new MeasurementsDowngradeException(violations) : new AttestationPolicyException(violations);
        }
    }

    private async Task<byte[]> DownloadAsync(Uri uri, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new CollateralUnavailableException($"{what} {uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
            {
                throw new CollateralUnavailableException($"{what} {uri}: {response.Content.Headers.ContentLength} bytes exceeds the limit of {_options.MaxResponseBytes}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > _options.MaxResponseBytes)
                {
                    throw new CollateralUnavailableException($"{what} {uri}: larger than the limit of {_options.MaxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (HttpRequestException ex)
        {
            throw new CollateralUnavailableException($"{what} {uri}: cannot be fetched: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CollateralUnavailableException($"{what} {uri}: timed out", ex);
        }
    }
}
