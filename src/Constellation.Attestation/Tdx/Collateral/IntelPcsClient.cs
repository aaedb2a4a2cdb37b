using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Pki;

namespace Constellation.Attestation.Tdx.Collateral;

/// <summary>
/// Fetches TDX collateral from Intel PCS v4 through the shared cache-first <see cref="CachedCollateralSource"/> (memory
/// and/or disk, concurrent requests sharing one download) and keeps it until its nextUpdate. Offline mode serves the
/// cache only.
/// </summary>
/// <remarks>
/// Thread-safe. Cached entries hold the response body together with the issuer chain PCS sends in an HTTP header, so a
/// cached TCB info can be verified exactly like a fresh one. Downloads are parsed before they are cached; nothing here
/// checks signatures (the verifier does, on every use).
/// </remarks>
public sealed class IntelPcsClient : ITdxCollateralSource
{
    private const string TcbInfoChainHeader = "TCB-Info-Issuer-Chain";
    private const string QeIdentityChainHeader = "SGX-Enclave-Identity-Issuer-Chain";

    private readonly CachedCollateralSource _source;
    private readonly IntelPcsOptions _options;

    /// <summary>Creates a client.</summary>
    /// <param name="source">The cache-first collateral source (its fetcher decides retries and offline mode; its metrics
    /// source tag is typically <c>pcs</c>).</param>
    /// <param name="options">PCS endpoints; default Intel's.</param>
    public IntelPcsClient(CachedCollateralSource source, IntelPcsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _options = options ?? new IntelPcsOptions();
    }

    /// <summary>Gets a value indicating whether the client never touches the network.</summary>
    public bool IsOffline => _source.IsOffline;

    /// <inheritdoc />
    public async Task<TdxCollateral> GetCollateralAsync(string fmspc, PckCaType caType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fmspc);
        if (fmspc.Length != 12 || !fmspc.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"FMSPC must be 12 hex characters, got \"{fmspc}\"", nameof(fmspc));
        }

        var fmspcLower = fmspc.ToLowerInvariant();
        var ca = caType == PckCaType.Platform ? "platform" : "processor";
        // Each download is parsed and checked to be what was asked for before it is cached: a well-formed answer for
        // another FMSPC or CA would otherwise sit in the cache until its nextUpdate and fail every validation.
        var tcbTask = GetAsync($"intel-pcs/tdx-tcb-{fmspcLower}", new Uri(_options.BaseUri, $"tdx/certification/v4/tcb?fmspc={fmspcLower}"), TcbInfoChainHeader,
            body =>
            {
                var tcbInfo = TdxTcbInfo.Parse(body);
                return string.Equals(tcbInfo.Fmspc, fmspcLower, StringComparison.OrdinalIgnoreCase)
                    ? tcbInfo.NextUpdate
                    : throw new CollateralUnavailableException($"TDX TCB info for FMSPC {tcbInfo.Fmspc}, not {fmspcLower}");
            }, cancellationToken);
        var qeTask = GetAsync("intel-pcs/tdx-qe-identity", new Uri(_options.BaseUri, "tdx/certification/v4/qe/identity"), QeIdentityChainHeader,
            body =>
            {
                var identity = TdxQeIdentity.Parse(body);
                return identity.Id == "TD_QE" ? identity.NextUpdate : throw new CollateralUnavailableException($"an identity for {identity.Id}, not TD_QE");
            }, cancellationToken);
        var pckCa = caType == PckCaType.Platform ? "Intel SGX PCK Platform CA" : "Intel SGX PCK Processor CA";
        var pckCrlTask = GetAsync($"intel-pcs/pck-crl-{ca}", new Uri(_options.BaseUri, $"sgx/certification/v4/pckcrl?ca={ca}&encoding=der"), null,
            body => IssuedBy(CertificateRevocationList.Parse(body), pckCa).NextUpdate, cancellationToken);
        var rootCrlTask = GetAsync("intel-pcs/root-ca-crl", _options.RootCaCrlUri, null,
            body => IssuedBy(CertificateRevocationList.Parse(body), "Intel SGX Root CA").NextUpdate, cancellationToken);
        await Task.WhenAll(tcbTask, qeTask, pckCrlTask, rootCrlTask).ConfigureAwait(false);

        var (tcbBody, tcbChain) = await tcbTask.ConfigureAwait(false);
        var (qeBody, qeChain) = await qeTask.ConfigureAwait(false);
        return new TdxCollateral
        {
            TcbInfo = TdxTcbInfo.Parse(tcbBody),
            TcbInfoIssuerChain = PemCertificates.ParseChain(System.Text.Encoding.ASCII.GetBytes(tcbChain!), 2, "TCB info issuer chain"),
            QeIdentity = TdxQeIdentity.Parse(qeBody),
            QeIdentityIssuerChain = PemCertificates.ParseChain(System.Text.Encoding.ASCII.GetBytes(qeChain!), 2, "QE identity issuer chain"),
            PckCrl = CertificateRevocationList.Parse((await pckCrlTask.ConfigureAwait(false)).Body),
            RootCaCrl = CertificateRevocationList.Parse((await rootCrlTask.ConfigureAwait(false)).Body),
        };
    }

    private static CertificateRevocationList IssuedBy(CertificateRevocationList crl, string commonName) =>
        crl.Issuer.EnumerateRelativeDistinguishedNames().Any(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() == commonName)
            ? crl
            : throw new CollateralUnavailableException($"a CRL issued by \"{crl.Issuer.Name}\", not by {commonName}");

    private async Task<(byte[] Body, string? Chain)> GetAsync(string key, Uri uri, string? chainHeader, Func<byte[], DateTimeOffset?> expiry,
        CancellationToken cancellationToken)
    {
        var entry = await _source.GetConvertedAsync(key, uri, response => Accept(response, uri, chainHeader, expiry), cancellationToken).ConfigureAwait(false);
        return Envelope.Read(entry.Content.Span, key);
    }

    private static AcceptedCollateral Accept(CollateralResponse response, Uri uri, string? chainHeader, Func<byte[], DateTimeOffset?> expiry)
    {
        var body = response.Content.ToArray();
        string? chain = null;
        if (chainHeader is not null)
        {
            if (!response.Headers.TryGetValue(chainHeader, out var encoded))
            {
                throw new CollateralUnavailableException($"Intel PCS response from {uri} lacks the {chainHeader} header");
            }

            chain = Uri.UnescapeDataString(encoded);
            try
            {
                _ = PemCertificates.ParseChain(System.Text.Encoding.ASCII.GetBytes(chain), 2, chainHeader);
            }
            catch (AttestationFormatException ex)
            {
                throw new CollateralUnavailableException($"Intel PCS response from {uri} has an unusable {chainHeader} header: {ex.Message}; not cached", ex);
            }
        }

        DateTimeOffset? expiresAt;
        try
        {
            expiresAt = expiry(body);
        }
        catch (AttestationException ex)
        {
            // Nothing is cached: the old entry (if any) stays as it was.
            throw new CollateralUnavailableException($"Intel PCS returned unusable collateral from {uri}: {ex.Message}; not cached", ex);
        }

        return new AcceptedCollateral(Envelope.Write(body, chain), expiresAt);
    }

    /// <summary>The cached form: the body plus the issuer chain header, as a small JSON document.</summary>
    private static class Envelope
    {
        public static byte[] Write(byte[] body, string? chain)
        {
            using var buffer = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteBase64String("body", body);
                if (chain is not null)
                {
                    w.WriteString("issuerChain", chain);
                }

                w.WriteEndObject();
            }

            return buffer.ToArray();
        }

        public static (byte[] Body, string? Chain) Read(ReadOnlySpan<byte> content, string key)
        {
            try
            {
                using var doc = JsonDocument.Parse(content.ToArray());
                var body = doc.RootElement.GetProperty("body").GetBytesFromBase64();
                var chain = doc.RootElement.TryGetProperty("issuerChain", out var c) ? c.GetString() : null;
                return (body, chain);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException)
            {
                throw new CollateralUnavailableException($"cached Intel PCS entry {key} is corrupt ({ex.Message}); delete it to refetch", ex);
            }
        }
    }
}
