using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Constellation.Attestation.Json;

namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>
/// The Azure HCL binding of the vTPM attestation key, shared by azure-sev-snp and azure-tdx (spec variants.md §2/§3):
/// the hardware report's REPORTDATA[0..31] is SHA-256 of the runtime data exactly as sent, and the runtime data's
/// <c>keys[0]</c> RSA JWK equals the AK. Stateless and thread-safe.
/// </summary>
internal static class HclAttestationKeyBinding
{
    /// <summary>Checks both halves of the binding.</summary>
    /// <param name="runtimeData">The runtime data JSON bytes (hashed as they are, never re-serialized).</param>
    /// <param name="reportData">The hardware report's REPORTDATA (at least 32 bytes).</param>
    /// <param name="reportDataField">How the error names the REPORTDATA field.</param>
    /// <param name="akSubjectPublicKeyInfo">The AK as DER SubjectPublicKeyInfo.</param>
    /// <exception cref="AttestationBindingException">The runtime data does not hash into REPORTDATA.</exception>
    /// <exception cref="AttestationFormatException">The runtime data is not the expected JSON.</exception>
    /// <exception cref="AttestationTrustException">The AK is not RSA or differs from <c>keys[0]</c>.</exception>
    public static void Verify(ReadOnlySpan<byte> runtimeData, ReadOnlySpan<byte> reportData, string reportDataField, ReadOnlySpan<byte> akSubjectPublicKeyInfo)
    {
        VerifyRuntimeDataHash(runtimeData, reportData, reportDataField);
        VerifyAkMatchesRuntimeData(runtimeData, akSubjectPublicKeyInfo);
    }

    /// <summary>Checks <c>SHA-256(runtimeData) == reportData[0..31]</c>.</summary>
    /// <param name="runtimeData">The runtime data bytes.</param>
    /// <param name="reportData">The hardware REPORTDATA.</param>
    /// <param name="reportDataField">How the error names the REPORTDATA field.</param>
    /// <exception cref="AttestationBindingException">The hashes differ.</exception>
    public static void VerifyRuntimeDataHash(ReadOnlySpan<byte> runtimeData, ReadOnlySpan<byte> reportData, string reportDataField)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(runtimeData, digest);
        if (reportData.Length < digest.Length || !reportData[..digest.Length].SequenceEqual(digest))
        {
            throw new AttestationBindingException(reportDataField, Convert.ToHexStringLower(digest), Convert.ToHexStringLower(reportData[..Math.Min(reportData.Length, digest.Length)]));
        }
    }

    /// <summary>Checks that the runtime data's <c>keys[0]</c> JWK (<c>n</c>, <c>e</c>) is the AK.</summary>
    /// <param name="runtimeData">The runtime data JSON bytes.</param>
    /// <param name="akSubjectPublicKeyInfo">The AK as DER SubjectPublicKeyInfo.</param>
    /// <exception cref="AttestationFormatException">The runtime data is not the expected JSON.</exception>
    /// <exception cref="AttestationTrustException">The AK is not RSA or differs from <c>keys[0]</c>.</exception>
    public static void VerifyAkMatchesRuntimeData(ReadOnlySpan<byte> runtimeData, ReadOnlySpan<byte> akSubjectPublicKeyInfo)
    {
        Utf8Input.Require(runtimeData, "HCL runtime data");
        string n, e;
        try
        {
            using var json = JsonDocument.Parse(runtimeData.ToArray());
            var keys = json.RootElement.GetProperty("keys");
            if (keys.ValueKind != JsonValueKind.Array || keys.GetArrayLength() == 0)
            {
                throw new AttestationFormatException("HCL runtime data has no keys");
            }

            n = keys[0].GetProperty("n").GetString() ?? string.Empty;
            e = keys[0].GetProperty("e").GetString() ?? string.Empty;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new AttestationFormatException($"HCL runtime data is not the expected JSON: {ex.Message}", ex);
        }

        using var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(akSubjectPublicKeyInfo, out _);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationTrustException("the AK is not an RSA key, so it cannot match the HCL runtime data key", ex);
        }

        var parameters = rsa.ExportParameters(false);
        byte[] modulus, exponentBytes;
        try
        {
            modulus = Base64UrlEncoder.DecodeBytes(n);
            exponentBytes = Base64UrlEncoder.DecodeBytes(e);
        }
        catch (FormatException ex)
        {
            throw new AttestationFormatException($"HCL runtime data keys[0] holds invalid base64url: {ex.Message}", ex);
        }

        if (exponentBytes.Length > 4)
        {
            throw new AttestationFormatException("HCL runtime data exponent is longer than 4 bytes");
        }

        // Upstream reads the JWK exponent little-endian after right-padding to 4 bytes.
        Span<byte> padded = stackalloc byte[4];
        padded.Clear();
        exponentBytes.CopyTo(padded);
        var runtimeExponent = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(padded);
        var akExponent = 0u;
        foreach (var b in parameters.Exponent!)
        {
            akExponent = (akExponent << 8) | b;
        }

        if (!modulus.AsSpan().SequenceEqual(parameters.Modulus) || runtimeExponent != akExponent)
        {
            throw new AttestationTrustException($"the AK does not match the HCL runtime data key keys[0] (modulus or exponent differ: runtime exponent {runtimeExponent}, AK exponent {akExponent})");
        }
    }
}
