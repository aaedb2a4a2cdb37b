using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Collateral;
using Constellation.Attestation.Variants.Common.Metadata;

namespace Constellation.Attestation.Variants.AzureTrustedLaunch;

/// <summary>
/// Fetches the CA that issued an Azure AK certificate from the certificate's AIA <c>caIssuers</c> URLs (http or https
/// only, tried in order, as upstream), through an HTTP client that never follows redirects. Thread-safe.
/// </summary>
public sealed class AzureAkCaClient
{
    /// <summary>The name of the <see cref="HttpClient"/> registered for this client.</summary>
    public const string HttpClientName = "Constellation.Azure.AkCa";

    private readonly HttpClient _http;
    private readonly CloudMetadataRetryOptions _retry;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client; it must not follow redirects (<see cref="CloudMetadataHttp.CreateHandler"/>).</param>
    /// <param name="retry">Timeout and retries per URL; <see langword="null"/> for the defaults.</param>
    public AzureAkCaClient(HttpClient http, CloudMetadataRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _retry = retry ?? CloudMetadataRetryOptions.Default;
        _retry.Validate(nameof(AzureAkCaClient));
    }

    /// <summary>Gets the DER CA certificate that issued <paramref name="akCertificate"/>: the first AIA URL that answers one.</summary>
    /// <param name="akCertificate">The AK certificate.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The CA certificate's DER bytes.</returns>
    /// <exception cref="CloudMetadataException">No AIA URL answered a certificate; the message lists each URL's failure.</exception>
    public async Task<byte[]> GetIssuingCaAsync(X509Certificate2 akCertificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(akCertificate);
        var failures = new List<string>();
        foreach (var url in CaIssuerUrls(akCertificate))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{url}: not an http(s) URL");
                continue;
            }

            try
            {
                var der = await CloudMetadataHttp.SendAsync(_http, () => new HttpRequestMessage(HttpMethod.Get, uri), _retry, "Azure AK CA certificate", cancellationToken).ConfigureAwait(false);
                RequireOneCertificate(der, uri);
                return der;
            }
            catch (AttestationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        throw new CloudMetadataException(
            $"Azure AK CA certificate for \"{akCertificate.Subject}\": no caIssuers URL of its AIA extension answered a certificate ({(failures.Count == 0 ? "it names none" : string.Join("; ", failures))})");
    }

    private static IEnumerable<string> CaIssuerUrls(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509AuthorityInformationAccessExtension aia)
            {
                foreach (var url in aia.EnumerateCAIssuersUris())
                {
                    yield return url;
                }
            }
        }
    }

    private static void RequireOneCertificate(byte[] der, Uri uri)
    {
        try
        {
            AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out _, out _, out var consumed);
            if (consumed != der.Length)
            {
                throw new AttestationFormatException($"{uri}: expected one DER certificate, got {der.Length - consumed} bytes after it");
            }
        }
        catch (AsnContentException ex)
        {
            throw new AttestationFormatException($"{uri}: expected a DER certificate: {ex.Message}", ex);
        }

        using var parsed = AkCertificate.LoadDer(der, uri.ToString());
    }
}
