using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// The verify layer for TPM quotes: signature over TPMS_ATTEST bytes, PCR digest recomputation and key equality.
/// Stateless and thread-safe.
/// </summary>
public static class TpmQuoteVerifier
{
    /// <summary>
    /// Verifies a quote signature as go-tpm-tools does: hash SHA-256/384/512; RSA keys need RSASSA (PKCS#1 v1.5),
    /// ECC keys need ECDSA. RSAPSS and SHA-1 are rejected.
    /// </summary>
    /// <param name="key">The signing key's public area.</param>
    /// <param name="attest">The exact TPMS_ATTEST bytes that were signed.</param>
    /// <param name="signature">The signature.</param>
    /// <exception cref="AttestationSignatureException">The signature does not verify or uses a rejected scheme.</exception>
    public static void VerifySignature(TpmPublic key, ReadOnlySpan<byte> attest, TpmSignature signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        CheckScheme(key, signature);
        using AsymmetricAlgorithm imported = key.Type == TpmAlgorithm.Rsa ? key.CreateRsa() : key.CreateEcdsa();
        VerifyWith(imported, key, attest, signature);
    }

    internal static void VerifySignature(TpmPublic key, ReadOnlySpan<byte> attest, TpmSignature signature, TpmVerificationKeyPool? pool)
    {
        if (pool is null)
        {
            VerifySignature(key, attest, signature);
            return;
        }

        CheckScheme(key, signature);
        var imported = pool.Rent(key, out var shelf);
        try
        {
            VerifyWith(imported, key, attest, signature);
        }
        finally
        {
            TpmVerificationKeyPool.Return(shelf, imported);
        }
    }

    private static void CheckScheme(TpmPublic key, TpmSignature signature)
    {
        if (signature.Hash is not (TpmAlgorithm.Sha256 or TpmAlgorithm.Sha384 or TpmAlgorithm.Sha512))
        {
            throw new AttestationSignatureException(
                $"quote signature hash: expected sha256, sha384 or sha512, got {TpmHash.ToDisplayName(signature.Hash)}");
        }

        var expected = key.Type == TpmAlgorithm.Rsa ? TpmAlgorithm.RsaSsa : TpmAlgorithm.Ecdsa;
        if (signature.Algorithm != expected)
        {
            throw new AttestationSignatureException(key.Type == TpmAlgorithm.Rsa
                ? $"quote signature algorithm: expected RSASSA (0x0014) for an RSA key, got 0x{(ushort)signature.Algorithm:x4}"
                : $"quote signature algorithm: expected ECDSA (0x0018) for an ECC key, got 0x{(ushort)signature.Algorithm:x4}");
        }
    }

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

    private static void RequireDigestSizedValues(TpmAlgorithm bank, IReadOnlyDictionary<int, byte[]> pcrs)
    {
        var size = TpmHash.GetDigestSize(bank);
        if (pcrs is SortedPcrValues sorted)
        {
            var position = sorted.FirstWithLengthOtherThan(size);
            if (position >= 0)
            {
                throw WrongLength(bank, sorted.OrderedIndices[position], size, sorted.ValueAt(position).Length);
            }

            return;
        }

        foreach (var index in pcrs.Keys.Order())
        {
            var length = pcrs[index]?.Length ?? 0;
            if (length != size)
            {
                throw WrongLength(bank, index, size, length);
            }
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

    /// <summary>
    /// Verifies one quote as go-tpm-tools' <c>VerifyAttestation</c> does for each bank: signature (see
    /// <see cref="VerifySignature(TpmPublic, ReadOnlySpan{byte}, TpmSignature)"/>), type quote, <c>extraData</c> equal to <paramref name="expectedExtraData"/>,
    /// exactly one PCR selection equal to the bank and indices of <paramref name="pcrs"/>, every PCR value as long as
    /// the bank's digest, and the PCR digest over <paramref name="pcrs"/> with the signature's hash.
    /// </summary>
    /// <param name="key">The attestation key.</param>
    /// <param name="attestBytes">TPMS_ATTEST bytes.</param>
    /// <param name="signatureBytes">TPMT_SIGNATURE bytes.</param>
    /// <param name="expectedExtraData">The nonce the quote must carry (compared in constant time, exact length).</param>
    /// <param name="bank">The bank of <paramref name="pcrs"/>, or <see langword="null"/> to skip the PCR checks.</param>
    /// <param name="pcrs">The PCR values the quote must cover, or <see langword="null"/> to skip the PCR checks.</param>
    /// <returns>The verified attestation structure.</returns>
    /// <exception cref="AttestationFormatException">A structure is malformed.</exception>
    /// <exception cref="AttestationSignatureException">The signature does not verify.</exception>
    /// <exception cref="AttestationBindingException">The nonce, PCR selection or PCR digest does not match.</exception>
    public static TpmAttest VerifyQuote(
        TpmPublic key,
        ReadOnlySpan<byte> attestBytes,
        ReadOnlySpan<byte> signatureBytes,
        ReadOnlySpan<byte> expectedExtraData,
        TpmAlgorithm? bank,
        IReadOnlyDictionary<int, byte[]>? pcrs) => VerifyQuote(key, attestBytes.ToArray(), signatureBytes.ToArray(), expectedExtraData, bank, pcrs, null);

    /// <remarks>
    /// The attestation's and the signature's fields are slices of <paramref name="attestBytes"/> and
    /// <paramref name="signatureBytes"/>, which nobody writes to afterwards.
    /// </remarks>
    internal static TpmAttest VerifyQuote(
        TpmPublic key,
        ReadOnlyMemory<byte> attestBytes,
        ReadOnlyMemory<byte> signatureBytes,
        ReadOnlySpan<byte> expectedExtraData,
        TpmAlgorithm? bank,
        IReadOnlyDictionary<int, byte[]>? pcrs,
        TpmVerificationKeyPool? pool,
        TpmPcrDigestMemo? digests = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = TpmSignature.ParseShared(signatureBytes);
        VerifySignature(key, attestBytes.Span, signature, pool);
        var attest = TpmAttest.ParseShared(attestBytes);
        if (!CryptographicOperations.FixedTimeEquals(attest.ExtraData.Span, expectedExtraData))
        {
            throw new AttestationBindingException("quote extraData (nonce)", Convert.ToHexStringLower(expectedExtraData), Convert.ToHexStringLower(attest.ExtraData.Span));
        }

        if (bank is null || pcrs is null)
        {
            return attest;
        }

        ReadOnlySpan<int> indices = pcrs is SortedPcrValues sorted ? sorted.OrderedIndices : pcrs.Keys.Order().ToArray();
        if (attest.PcrSelections.Length != 1)
        {
            throw new AttestationBindingException("quote pcrSelect", $"one selection {ExpectedSelection(bank.Value, indices)}", $"{attest.PcrSelections.Length} selections ({string.Join(" ", attest.PcrSelections)})");
        }

        var selection = attest.PcrSelections[0];
        if (selection.Hash != bank.Value || !selection.Indices.AsSpan().SequenceEqual(indices))
        {
            throw new AttestationBindingException("quote pcrSelect", ExpectedSelection(bank.Value, indices), selection.ToString());
        }

        // Values of any other length would move the boundaries between PCRs inside the digested concatenation: bytes
        // of one PCR could then be reported as another's, and the digest would still match.
        RequireDigestSizedValues(bank.Value, pcrs);
        var digest = digests is not null && pcrs is SortedPcrValues ordered ? digests.Compute(signature.Hash, ordered) : ComputePcrDigest(signature.Hash, pcrs);
        if (!CryptographicOperations.FixedTimeEquals(digest, attest.PcrDigest.Span))
        {
            throw new AttestationBindingException(
                $"{TpmHash.ToDisplayName(bank.Value)} PCR values (digest signed in the quote vs digest of the reported values)", Convert.ToHexStringLower(attest.PcrDigest.Span), Convert.ToHexStringLower(digest));
        }

        return attest;
    }
}
