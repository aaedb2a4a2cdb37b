using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Collateral;
using Constellation.Attestation.Snp.Verify;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Collateral;

/// <summary>
/// Fetches SEV-SNP collateral from AMD KDS through the shared cache: VCEKs by chip ID and reported TCB (immutable,
/// cached forever), ASK/ASVK+ARK chains per product (cached until the intermediate expires) and CRLs (cached until
/// their nextUpdate). Nothing fetched is trusted by itself: the verifier pins the ARK and checks everything.
/// </summary>
/// <remarks>Thread-safe. In offline mode (<see cref="CachedCollateralSource.IsOffline"/>) only the cache is consulted.</remarks>
public sealed class AmdKdsClient
{
    private readonly CachedCollateralSource _source;
    private readonly Uri _base;

    /// <summary>Creates a client.</summary>
    /// <param name="source">The cache-first collateral source (its fetcher decides retries and offline mode).</param>
    /// <param name="options">The KDS location, or <see langword="null"/> for AMD's public KDS.</param>
    public AmdKdsClient(CachedCollateralSource source, AmdKdsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _base = (options ?? new AmdKdsOptions()).BaseUri;
        if (!_base.IsAbsoluteUri || !_base.AbsolutePath.EndsWith('/'))
        {
            throw new ArgumentException("The KDS base URI must be absolute and end with '/'.", nameof(options));
        }
    }

    /// <summary>Gets the VCEK URI for a chip and reported TCB (spec §5).</summary>
    /// <param name="line">The product line.</param>
    /// <param name="chipId">The report's CHIP_ID (64 bytes; Turin uses the first 8).</param>
    /// <param name="reportedTcb">The report's REPORTED_TCB, decoded for <paramref name="line"/>.</param>
    /// <returns>The URI.</returns>
    public Uri VcekUri(SnpProductLine line, ReadOnlySpan<byte> chipId, SnpTcbVersion reportedTcb)
    {
        if (chipId.Length != 64)
        {
            throw new ArgumentException("CHIP_ID must be 64 bytes", nameof(chipId));
        }

        if (!chipId.ContainsAnyExcept((byte)0))
        {
            throw new CollateralUnavailableException("the report's CHIP_ID is masked (all zero), so its VCEK cannot be fetched from KDS; the VCEK must come with the evidence");
        }

        var tcb = new SnpTcbVersion(reportedTcb.Raw, line);
        var path = line == SnpProductLine.Turin
            ? string.Create(CultureInfo.InvariantCulture, $"vcek/v1/Turin/{Convert.ToHexStringLower(chipId[..8])}?fmcSPL={tcb.Fmc}&blSPL={tcb.Bootloader}&teeSPL={tcb.Tee}&snpSPL={tcb.Snp}&ucodeSPL={tcb.Microcode}")
            : string.Create(CultureInfo.InvariantCulture, $"vcek/v1/{line.ToKdsName()}/{Convert.ToHexStringLower(chipId)}?blSPL={tcb.Bootloader}&teeSPL={tcb.Tee}&snpSPL={tcb.Snp}&ucodeSPL={tcb.Microcode}");
        return new Uri(_base, path);
    }

    /// <summary>Gets the certificate chain URI (<c>/vcek/v1/{product}/cert_chain</c> or <c>/vlek/v1/{product}/cert_chain</c>).</summary>
    /// <param name="line">The product line.</param>
    /// <param name="kind">VCEK (ASK chain) or VLEK (ASVK chain).</param>
    /// <returns>The URI.</returns>
    public Uri CertChainUri(SnpProductLine line, SnpEndorsementKind kind) => new(_base, $"{Prefix(kind)}/v1/{line.ToKdsName()}/cert_chain");

    /// <summary>Gets the CRL URI (<c>/vcek/v1/{product}/crl</c> or <c>/vlek/v1/{product}/crl</c>).</summary>
    /// <param name="line">The product line.</param>
    /// <param name="kind">VCEK (ASK CRL) or VLEK (ASVK CRL).</param>
    /// <returns>The URI.</returns>
    public Uri CrlUri(SnpProductLine line, SnpEndorsementKind kind) => new(_base, $"{Prefix(kind)}/v1/{line.ToKdsName()}/crl");

    /// <summary>Gets the VCEK that signed a report, from the cache or KDS.</summary>
    /// <param name="report">The report (its CHIP_ID and REPORTED_TCB select the VCEK).</param>
    /// <param name="line">The product line.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The VCEK certificate (not yet verified).</returns>
    /// <exception cref="CollateralUnavailableException">Masked chip ID, offline with a cold cache, or KDS failed.</exception>
    public async Task<X509Certificate2> GetVcekAsync(SnpReport report, SnpProductLine line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var uri = VcekUri(line, report.ChipId, report.ReportedTcb);

        // A VCEK for one chip and TCB never changes, so it never expires from the cache. That is why a download is
        // only cached when it is that VCEK: a well-formed certificate for another chip or TCB would fail every later
        // validation until someone deleted the cache entry.
        var entry = await _source.GetAsync(uri.AbsoluteUri, uri, response =>
        {
            using var vcek = LoadDer(response.Content.Span, uri);
            EnsureIsVcekFor(vcek, report, line, uri);
            return null;
        }, cancellationToken).ConfigureAwait(false);
        return LoadDer(entry.Content.Span, uri);
    }

    /// <summary>Gets the intermediate (ASK or ASVK) from KDS's certificate chain for a product, from the cache or KDS.</summary>
    /// <param name="line">The product line.</param>
    /// <param name="kind">VCEK (ASK) or VLEK (ASVK).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The intermediate (not yet verified; the ARK in the download is ignored in favour of the pinned one).</returns>
    public async Task<X509Certificate2> GetIntermediateAsync(SnpProductLine line, SnpEndorsementKind kind, CancellationToken cancellationToken = default)
    {
        var uri = CertChainUri(line, kind);
        var entry = await _source.GetAsync(uri.AbsoluteUri, uri, response =>
        {
            using var intermediate = IntermediateFrom(response.Content.Span, uri);
            var expected = AmdNames.IntermediateName(kind, line);
            if (!AmdNames.HasCommonName(intermediate, expected))
            {
                throw new CollateralUnavailableException($"{uri} returned a certificate chain whose intermediate is {AmdNames.Describe(intermediate)}, not {expected}; not cached");
            }

            return new DateTimeOffset(intermediate.NotAfter.ToUniversalTime());
        }, cancellationToken).ConfigureAwait(false);
        return IntermediateFrom(entry.Content.Span, uri);
    }

    /// <summary>
    /// Gets the ARK-signed CRL for a product's ASK or ASVK chain, from the cache (until its nextUpdate) or KDS. A
    /// download is cached only if <paramref name="ark"/> issued and signed it, so a bad answer cannot be served from
    /// the cache until an attacker-chosen nextUpdate.
    /// </summary>
    /// <param name="line">The product line.</param>
    /// <param name="kind">VCEK (<c>/vcek/v1/{product}/crl</c>) or VLEK (<c>/vlek/v1/{product}/crl</c>).</param>
    /// <param name="ark">The pinned ARK of <paramref name="line"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The CRL (signature checked when it was downloaded; currency and serials are the verifier's to check).</returns>
    /// <exception cref="CollateralUnavailableException">Offline with a cold or expired cache, KDS failed, or KDS returned no CRL of <paramref name="ark"/>.</exception>
    public async Task<SnpRevocationList> GetRevocationListAsync(SnpProductLine line, SnpEndorsementKind kind, X509Certificate2 ark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ark);
        var uri = CrlUri(line, kind);
        var entry = await _source.GetAsync(uri.AbsoluteUri, uri, response =>
        {
            var crl = CrlFrom(response.Content.Span, uri);
            var arkName = AmdNames.ArkName(line);
            if (!crl.HasIssuerCommonName(arkName))
            {
                throw new CollateralUnavailableException($"{uri} returned a CRL that is not issued by {arkName}; not cached");
            }

            try
            {
                SnpRevocationListChecks.EnsureSignedBy(crl, ark);
            }
            catch (CertificateChainException ex)
            {
                throw new CollateralUnavailableException($"{uri} returned a CRL that the pinned ARK did not sign ({ex.Message}); not cached", ex);
            }

            // Without nextUpdate the entry would never expire from the cache; such a CRL is refused by the verifier anyway.
            return crl.NextUpdate ?? throw new CollateralUnavailableException($"{uri} returned a CRL without nextUpdate; not cached");
        }, cancellationToken).ConfigureAwait(false);
        return CrlFrom(entry.Content.Span, uri);
    }

    private static void EnsureIsVcekFor(X509Certificate2 certificate, SnpReport report, SnpProductLine line, Uri uri)
    {
        SnpEndorsementCertificate vcek;
        try
        {
            vcek = SnpEndorsementCertificate.FromCertificate(certificate);
        }
        catch (AttestationException ex)
        {
            throw new CollateralUnavailableException($"{uri} did not return a VCEK: {ex.Message}; not cached", ex);
        }

        var chipId = line == SnpProductLine.Turin ? report.ChipId[..8] : report.ChipId;
        if (vcek.Kind != SnpEndorsementKind.Vcek || !vcek.HardwareId.SequenceEqual(chipId))
        {
            throw new CollateralUnavailableException(
                $"{uri} returned {vcek}, which is not the VCEK of chip {Convert.ToHexStringLower(chipId)} (its hwID is {Convert.ToHexStringLower(vcek.HardwareId)}); not cached");
        }

        var tcbMismatches = vcek.CompareTcb(new SnpTcbVersion(report.ReportedTcb.Raw, line));
        if (tcbMismatches.Count > 0)
        {
            throw new CollateralUnavailableException(
                $"{uri} returned a VCEK for another TCB ({string.Join(", ", tcbMismatches.Select(m => $"{m.Name}: expected {m.Expected}, got {m.Actual}"))}); not cached");
        }
    }

    private static string Prefix(SnpEndorsementKind kind) => kind == SnpEndorsementKind.Vcek ? "vcek" : "vlek";

    private static X509Certificate2 LoadDer(ReadOnlySpan<byte> der, Uri uri)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadCertificate(der);
            Pki.CertificateDecoding.EnsureDecodable(certificate, uri.AbsoluteUri);
            return certificate;
        }
        catch (CryptographicException ex)
        {
            throw new CollateralUnavailableException($"{uri} did not return a DER certificate: {ex.Message}", ex);
        }
        catch (AttestationFormatException ex)
        {
            throw new CollateralUnavailableException($"{uri} did not return a usable DER certificate: {ex.Message}", ex);
        }
    }

    private static X509Certificate2 IntermediateFrom(ReadOnlySpan<byte> pem, Uri uri)
    {
        try
        {
            return SnpEvidenceCertificates.IntermediateFromChain(Encoding.ASCII.GetString(pem));
        }
        catch (CertificateChainException ex)
        {
            throw new CollateralUnavailableException($"{uri} did not return a usable certificate chain: {ex.Message}", ex);
        }
    }

    private static SnpRevocationList CrlFrom(ReadOnlySpan<byte> der, Uri uri)
    {
        try
        {
            return SnpRevocationList.Parse(der);
        }
        catch (CertificateChainException ex)
        {
            throw new CollateralUnavailableException($"{uri} did not return a CRL: {ex.Message}", ex);
        }
    }
}
