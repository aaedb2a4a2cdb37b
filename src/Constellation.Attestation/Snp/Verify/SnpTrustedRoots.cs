using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Snp.Collateral;
using Constellation.Attestation.Snp.WireFormat;

namespace Constellation.Attestation.Snp.Verify;

/// <summary>
/// The pinned AMD root keys (ARK), one per product line. Roots are never taken from the attester: a chain is
/// accepted only if its ARK is byte-for-byte the pinned one.
/// </summary>
/// <remarks>Immutable and thread-safe. <see cref="Default"/> holds AMD's ARK-Milan, ARK-Genoa and ARK-Turin.</remarks>
public sealed class SnpTrustedRoots
{
    private static readonly Lazy<SnpTrustedRoots> DefaultRoots = new(() => new SnpTrustedRoots(
        new[] { SnpBuiltInRoots.ArkMilanPem, SnpBuiltInRoots.ArkGenoaPem, SnpBuiltInRoots.ArkTurinPem }
            .Select(pem => X509Certificate2.CreateFromPem(pem))));

    private readonly Dictionary<SnpProductLine, X509Certificate2> _arks;

    /// <summary>Creates a root set from ARK certificates; each must be a self-signed AMD ARK (CN <c>ARK-{Product}</c>).</summary>
    /// <param name="arks">The ARKs, at most one per product line.</param>
    /// <exception cref="CertificateChainException">A certificate is not a valid self-signed ARK, or two are for the same product.</exception>
    public SnpTrustedRoots(IEnumerable<X509Certificate2> arks)
    {
        ArgumentNullException.ThrowIfNull(arks);
        _arks = new Dictionary<SnpProductLine, X509Certificate2>();
        foreach (var ark in arks)
        {
            var line = CheckArk(ark);
            if (!_arks.TryAdd(line, ark))
            {
                throw new CertificateChainException($"two trusted ARKs given for {line}");
            }
        }
    }

    /// <summary>Gets AMD's ARKs for Milan, Genoa and Turin.</summary>
    public static SnpTrustedRoots Default => DefaultRoots.Value;

    /// <summary>Gets the product lines with a trusted ARK.</summary>
    public IReadOnlyCollection<SnpProductLine> ProductLines => _arks.Keys;

    /// <summary>Creates a root set from PEM text holding one or more ARK certificates (other certificates are rejected).</summary>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The root set.</returns>
    public static SnpTrustedRoots FromPem(string pem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateChainException($"the trusted-root PEM holds a certificate that cannot be decoded: {ex.Message}", ex);
        }

        if (collection.Count == 0)
        {
            throw new CertificateChainException("no certificate found in the trusted-root PEM");
        }

        return new SnpTrustedRoots(collection);
    }

    /// <summary>Gets the ARK for a product line.</summary>
    /// <param name="line">The product line.</param>
    /// <param name="ark">The ARK.</param>
    /// <returns><see langword="true"/> if one is trusted.</returns>
    public bool TryGetArk(SnpProductLine line, out X509Certificate2 ark) => _arks.TryGetValue(line, out ark!);

    private static SnpProductLine CheckArk(X509Certificate2 ark)
    {
        ArgumentNullException.ThrowIfNull(ark);
        try
        {
            CertificateDecoding.EnsureDecodable(ark, "trusted root");
        }
        catch (AttestationFormatException ex)
        {
            throw new CertificateChainException(ex.Message, ex);
        }

        var cn = AmdNames.CommonName(ark.SubjectName, "ARK subject");
        if (!cn.StartsWith("ARK-", StringComparison.Ordinal) || !SnpProductLines.TryParse(cn[4..], out var line) || AmdNames.ArkName(line) != cn)
        {
            throw new CertificateChainException($"trusted root CN must be ARK-Milan, ARK-Genoa or ARK-Turin, got {cn}");
        }

        if (!ark.SubjectName.RawData.AsSpan().SequenceEqual(ark.IssuerName.RawData))
        {
            throw new CertificateChainException($"{cn} is not self-issued");
        }

        using var key = ark.GetRSAPublicKey() ?? throw new CertificateChainException($"{cn} does not hold an RSA key");
        if (!AmdSignedData.Decode(ark.RawData, cn).VerifyWith(key))
        {
            throw new CertificateChainException($"{cn} self-signature does not verify");
        }

        return line;
    }
}
