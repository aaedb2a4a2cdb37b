using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Constellation.Attestation.Caching;
using Constellation.Attestation.Tpm.Verify.EventLog;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Tpm.WireFormat.EventLog;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// Verifies TPM quotes as go-tpm-tools' <c>VerifyQuote</c> does for each bank: the signature over the TPMS_ATTEST bytes
/// by the attestation key, exactly one PCR selection equal to the quote's bank and PCR indices, every PCR value as long
/// as the bank's digest, the PCR digest over the values, and optionally the event log replayed against them.
/// </summary>
/// <remarks>
/// <para>This is the verify layer: it establishes facts (<see cref="TpmQuoteVerificationResult"/>) and applies no policy.
/// Whether the quote carries the expected nonce (its freshness) and whether its PCR values are the expected measurements
/// is <see cref="Validate.TpmQuoteValidator"/>'s: a verified quote is not yet bound to anything.</para>
/// <para>Thread-safe. The verifier owns its caches: imported attestation keys (by their exact TPMT_PUBLIC bytes) and the
/// PCR digest of the last value set (by the exact bytes hashed). Signatures are verified on every call.</para>
/// </remarks>
public sealed class TpmQuoteVerifier
{
    // Imported attestation keys by their exact TPMT_PUBLIC bytes: importing costs several signature verifications.
    private const int MaxAttestationKeys = 64;
    private readonly KeyPool<AsymmetricAlgorithm> _keys = new(MaxAttestationKeys);
    private readonly TpmPcrDigestMemo _pcrDigests = new();

    private readonly TpmSignatureRules _rules;

    /// <summary>Creates a verifier with empty caches. Share one instance: the caches are its point.</summary>
    /// <param name="options">The accepted signature hashes and attestation keys, or <see langword="null"/> for <see cref="TpmVerificationOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">The options would accept more than the defaults (e.g. SHA-1), or no signature hash at all.</exception>
    public TpmQuoteVerifier(TpmVerificationOptions? options = null)
    {
        Options = options ?? TpmVerificationOptions.Default;
        _rules = ReferenceEquals(Options, TpmVerificationOptions.Default) ? TpmSignatureRules.Default : new TpmSignatureRules(Options);
    }

    /// <summary>Gets the options in force.</summary>
    public TpmVerificationOptions Options { get; }

    /// <summary>
    /// Verifies one quote: its signature (see <see cref="VerifySignature(TpmPublic, ReadOnlySpan{byte}, TpmSignature)"/>),
    /// type quote, exactly one PCR selection equal to <see cref="TpmQuote.Bank"/> and the indices of
    /// <see cref="TpmQuote.Pcrs"/>, every PCR value as long as the bank's digest, the PCR digest over the values with the
    /// signature's hash, and, when <paramref name="eventLog"/> is given, every PCR the log extends replayed to the quoted value.
    /// </summary>
    /// <param name="quote">The quote (TPMS_ATTEST, TPMT_SIGNATURE and the PCR values it claims to cover).</param>
    /// <param name="attestationKey">The key the quote must be signed with; the caller has established trust in it.</param>
    /// <param name="eventLog">The event log to replay against the quoted PCR values, or <see langword="null"/> for none.</param>
    /// <returns>The facts established. The nonce (<see cref="TpmAttest.ExtraData"/>) is not checked here.</returns>
    /// <exception cref="AttestationFormatException">A structure is malformed, a PCR value has the wrong length, or the log cannot be replayed for the bank.</exception>
    /// <exception cref="AttestationSignatureException">The signature does not verify or uses a rejected scheme.</exception>
    /// <exception cref="AttestationBindingException">The PCR selection or PCR digest does not match, or the log does not replay to the quoted values.</exception>
    public TpmQuoteVerificationResult Verify(TpmQuote quote, TpmPublic attestationKey, TcgEventLog? eventLog = null)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(attestationKey);

        // The attestation's and the signature's fields are slices of the quote's bytes, which nobody writes to.
        var signature = TpmSignature.ParseShared(quote.RawSignature);
        VerifySignature(attestationKey, quote.Quote.Span, signature, _rules, _keys);
        var attest = TpmAttest.ParseShared(quote.Quote);
        var bank = quote.Bank;
        var pcrs = quote.SortedPcrs;
        var indices = pcrs.OrderedIndices;
        if (attest.PcrSelections.Length != 1)
        {
            throw new AttestationBindingException("quote pcrSelect", $"one selection {ExpectedSelection(bank, indices)}", $"{attest.PcrSelections.Length} selections ({string.Join(" ", attest.PcrSelections)})");
        }

        var selection = attest.PcrSelections[0];
        if (selection.Hash != bank || !selection.Indices.AsSpan().SequenceEqual(indices))
        {
            throw new AttestationBindingException("quote pcrSelect", ExpectedSelection(bank, indices), selection.ToString());
        }

        // Values of any other length would move the boundaries between PCRs inside the digested concatenation: bytes
        // of one PCR could then be reported as another's, and the digest would still match.
        RequireDigestSizedValues(bank, pcrs);
        var digest = _pcrDigests.Compute(signature.Hash, pcrs);
        if (!CryptographicOperations.FixedTimeEquals(digest, attest.PcrDigest.Span))
        {
            throw new AttestationBindingException(
                $"{TpmHash.ToDisplayName(bank)} PCR values (digest signed in the quote vs digest of the reported values)", Convert.ToHexStringLower(attest.PcrDigest.Span), Convert.ToHexStringLower(digest));
        }

        eventLog?.VerifyAgainst(bank, pcrs);
        return new TpmQuoteVerificationResult(quote, attestationKey, attest, signature, eventLog);
    }

    /// <summary>
    /// Verifies a quote signature as go-tpm-tools does (<see cref="TpmVerificationOptions.Default"/>): hash SHA-256/384/512;
    /// RSA keys need RSASSA (PKCS#1 v1.5), ECC keys need ECDSA on NIST P-256/384/521. RSAPSS and SHA-1 are rejected.
    /// </summary>
    /// <param name="key">The signing key's public area.</param>
    /// <param name="attest">The exact TPMS_ATTEST bytes that were signed.</param>
    /// <param name="signature">The signature.</param>
    /// <exception cref="AttestationSignatureException">The signature does not verify or uses a rejected scheme.</exception>
    public static void VerifySignature(TpmPublic key, ReadOnlySpan<byte> attest, TpmSignature signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        TpmSignatureRules.Default.Check(key, signature);
        using var imported = Import(key);
        VerifyWith(imported, key, attest, signature);
    }

    private static void VerifySignature(TpmPublic key, ReadOnlySpan<byte> attest, TpmSignature signature, TpmSignatureRules rules, KeyPool<AsymmetricAlgorithm> pool)
    {
        rules.Check(key, signature);
        using var lease = pool.Rent(key.RawBytes.Span, key, static (_, key) => Import(key));
        VerifyWith(lease.Key, key, attest, signature);
    }

    private static AsymmetricAlgorithm Import(TpmPublic key) => key.Type == TpmAlgorithm.Rsa ? key.CreateRsa() : key.CreateEcdsa();

    private static void VerifyWith(AsymmetricAlgorithm imported, TpmPublic key, ReadOnlySpan<byte> attest, TpmSignature signature)
    {
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        digest = digest[..CryptographicOperations.HashData(TpmHash.GetName(signature.Hash), attest, digest)];
        bool valid;
        if (imported is RSA rsa)
        {
            valid = rsa.VerifyHash(digest, signature.RsaSignature.Span, TpmHash.GetName(signature.Hash), RSASignaturePadding.Pkcs1);
        }
        else
        {
            var ecdsa = (ECDsa)imported;
            var size = TpmPublic.GetCurve(key.Curve).CoordinateSize;
            if (signature.EccR.Span.TrimStart((byte)0).Length > size || signature.EccS.Span.TrimStart((byte)0).Length > size)
            {
                throw new AttestationSignatureException($"quote signature: ECDSA r or s longer than the curve's {size} bytes");
            }

            byte[] p1363 = [.. TpmPublic.PadLeft(signature.EccR.Span, size), .. TpmPublic.PadLeft(signature.EccS.Span, size)];
            valid = ecdsa.VerifyHash(digest, p1363, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        if (!valid)
        {
            throw new AttestationSignatureException(
                $"quote signature: does not verify with the attestation key (sigAlg 0x{(ushort)signature.Algorithm:x4}, hash {TpmHash.ToDisplayName(signature.Hash)})");
        }
    }

    private static void RequireDigestSizedValues(TpmAlgorithm bank, SortedPcrValues pcrs)
    {
        var size = TpmHash.GetDigestSize(bank);
        var position = pcrs.FirstWithLengthOtherThan(size);
        if (position >= 0)
        {
            throw WrongLength(bank, pcrs.OrderedIndices[position], size, pcrs.ValueAt(position).Length);
        }
    }

    private static AttestationFormatException WrongLength(TpmAlgorithm bank, int index, int size, int length) =>
        new($"{TpmHash.ToDisplayName(bank)} PCR {index} value: expected {size} bytes (the bank's digest size), got {length}");

    private static string ExpectedSelection(TpmAlgorithm bank, ReadOnlySpan<int> indices) => $"{TpmHash.ToDisplayName(bank)}:{string.Join(',', indices.ToArray())}";

    /// <summary>Computes a quote's PCR digest: <c>H(pcr[i0] ‖ pcr[i1] ‖ …)</c> over ascending indices.</summary>
    /// <param name="hash">The hash algorithm (a quote uses the signing scheme's hash).</param>
    /// <param name="pcrs">PCR values by index.</param>
    /// <returns>The digest.</returns>
    public static byte[] ComputePcrDigest(TpmAlgorithm hash, IReadOnlyDictionary<int, byte[]> pcrs)
    {
        ArgumentNullException.ThrowIfNull(pcrs);
        using var h = IncrementalHash.CreateHash(TpmHash.GetName(hash));
        foreach (var index in pcrs.Keys.Order())
        {
            h.AppendData(pcrs[index]);
        }

        return h.GetHashAndReset();
    }

    /// <summary>
    /// Returns whether a TPM public area holds the same key as a DER SubjectPublicKeyInfo: RSA → same modulus and
    /// exponent; ECC → same curve and point.
    /// </summary>
    /// <param name="key">The TPM public area.</param>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo.</param>
    /// <returns><see langword="true"/> when the keys are equal.</returns>
    /// <exception cref="AttestationFormatException">The SubjectPublicKeyInfo cannot be read.</exception>
    public static bool KeyEquals(TpmPublic key, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TpmKeyComparison.KeyEquals(key, subjectPublicKeyInfo);
    }
}
