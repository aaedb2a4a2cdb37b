using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Caching;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.WireFormat;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// The cryptographic checks inside a quote: quote signature by the attestation key, QE report signature by the PCK key,
/// and the QE report data binding of the attestation key. Stateless and thread-safe.
/// </summary>
public static class TdxQuoteSignatures
{
    private const string AttestationKeyName = "TDX quote attestation key";

    /// <summary>Verifies the attestation key's ECDSA signature over header and body.</summary>
    /// <param name="quote">The quote.</param>
    /// <exception cref="AttestationFormatException">The attestation key is not a P-256 point.</exception>
    /// <exception cref="AttestationSignatureException">The signature does not verify.</exception>
    public static void VerifyQuoteSignature(TdxQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        using var key = P256.ImportKey(quote.AttestationKey, AttestationKeyName);
        if (!P256.Verify(key, quote.SignedData, quote.Signature))
        {
            throw QuoteSignatureFailed(quote);
        }
    }

    /// <summary>As <see cref="VerifyQuoteSignature(TdxQuote)"/>, reusing imported attestation keys from <paramref name="keys"/>.</summary>
    internal static void VerifyQuoteSignature(TdxQuote quote, KeyPool<ECDsa> keys)
    {
        var xy = quote.AttestationKey;
        if (xy.Length != 64)
        {
            throw new AttestationFormatException($"{AttestationKeyName}: expected 64 bytes (x‖y), got {xy.Length}");
        }

        using var lease = keys.Rent(xy, AttestationKeyName, static (xy, what) => P256.ImportKey(xy, what));
        if (!P256.Verify(lease.Key, quote.SignedData, quote.Signature))
        {
            throw QuoteSignatureFailed(quote);
        }
    }

    /// <summary>Verifies the QE report's signature with the PCK leaf key.</summary>
    /// <param name="quote">The quote.</param>
    /// <param name="pckLeaf">The PCK certificate (already chain-verified by the caller).</param>
    /// <exception cref="AttestationSignatureException">The signature does not verify.</exception>
    public static void VerifyQeReportSignature(TdxQuote quote, X509Certificate2 pckLeaf)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(pckLeaf);
        using var key = pckLeaf.GetECDsaPublicKey()
            ?? throw new CertificateChainException($"PCK certificate \"{pckLeaf.Subject}\" does not hold an ECDSA key");
        if (key.KeySize != 256 || !P256.Verify(key, quote.QeReport.RawData, quote.QeReportSignature))
        {
            throw new AttestationSignatureException("QE report signature does not verify with the PCK certificate's key");
        }
    }

    /// <summary>Checks QE REPORTDATA = SHA-256(attestation key ‖ QE authentication data) ‖ 32 zero bytes.</summary>
    /// <param name="quote">The quote.</param>
    /// <exception cref="AttestationBindingException">The QE report does not vouch for this attestation key.</exception>
    public static void VerifyQeReportBinding(TdxQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        Span<byte> expected = stackalloc byte[64];
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            hash.AppendData(quote.AttestationKey);
            hash.AppendData(quote.QeAuthData);
            hash.GetHashAndReset(expected);
        }

        var actual = quote.QeReport.ReportData;
        if (!actual.SequenceEqual(expected))
        {
            throw new AttestationBindingException("QE report data", Convert.ToHexStringLower(expected), Convert.ToHexStringLower(actual));
        }
    }

    private static AttestationSignatureException QuoteSignatureFailed(TdxQuote quote) =>
        new($"TDX quote signature over the header and body ({quote.SignedData.Length} bytes) does not verify with the attestation key");
}
