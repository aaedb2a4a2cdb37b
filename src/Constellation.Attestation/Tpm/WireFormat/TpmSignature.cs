using System;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// A TPMT_SIGNATURE: the signature algorithm, its hash and the signature value (RSA) or (r, s) pair (ECC).
/// Wire format only; immutable.
/// </summary>
public sealed class TpmSignature
{
    private TpmSignature(TpmAlgorithm algorithm, TpmAlgorithm hash, ReadOnlyMemory<byte> rsa, ReadOnlyMemory<byte> r, ReadOnlyMemory<byte> s)
    {
        Algorithm = algorithm;
        Hash = hash;
        RsaSignature = rsa;
        EccR = r;
        EccS = s;
    }

    /// <summary>Gets the signature algorithm (sigAlg).</summary>
    public TpmAlgorithm Algorithm { get; }

    /// <summary>Gets the hash algorithm the signature was made with (<see cref="TpmAlgorithm.Null"/> for a NULL signature).</summary>
    public TpmAlgorithm Hash { get; }

    /// <summary>Gets the RSA signature (RSASSA, RSAPSS), big-endian; empty otherwise.</summary>
    public ReadOnlyMemory<byte> RsaSignature { get; }

    /// <summary>Gets the ECC signature's r (ECDSA and relatives); empty otherwise.</summary>
    public ReadOnlyMemory<byte> EccR { get; }

    /// <summary>Gets the ECC signature's s (ECDSA and relatives); empty otherwise.</summary>
    public ReadOnlyMemory<byte> EccS { get; }

    /// <summary>Gets a value indicating whether this is an RSA signature (RSASSA or RSAPSS).</summary>
    public bool IsRsa => Algorithm is TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss;

    /// <summary>Gets a value indicating whether this is an ECC signature (ECDSA, ECDAA, SM2, ECSCHNORR).</summary>
    public bool IsEcc => Algorithm is TpmAlgorithm.Ecdsa or TpmAlgorithm.Ecdaa or TpmAlgorithm.Sm2 or TpmAlgorithm.EcSchnorr;

    /// <summary>Creates an RSA signature.</summary>
    /// <param name="algorithm">RSASSA or RSAPSS.</param>
    /// <param name="hash">The hash algorithm.</param>
    /// <param name="signature">The signature bytes.</param>
    /// <returns>The signature.</returns>
    public static TpmSignature CreateRsa(TpmAlgorithm algorithm, TpmAlgorithm hash, ReadOnlySpan<byte> signature)
    {
        if (algorithm is not (TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss))
        {
            throw new ArgumentException("Expected RSASSA or RSAPSS.", nameof(algorithm));
        }

        return new TpmSignature(algorithm, hash, signature.ToArray(), default, default);
    }

    /// <summary>Creates an ECC signature.</summary>
    /// <param name="algorithm">ECDSA, ECDAA, SM2 or ECSCHNORR.</param>
    /// <param name="hash">The hash algorithm.</param>
    /// <param name="r">The r value.</param>
    /// <param name="s">The s value.</param>
    /// <returns>The signature.</returns>
    public static TpmSignature CreateEcc(TpmAlgorithm algorithm, TpmAlgorithm hash, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s)
    {
        if (algorithm is not (TpmAlgorithm.Ecdsa or TpmAlgorithm.Ecdaa or TpmAlgorithm.Sm2 or TpmAlgorithm.EcSchnorr))
        {
            throw new ArgumentException("Expected an ECC signature algorithm.", nameof(algorithm));
        }

        return new TpmSignature(algorithm, hash, default, r.ToArray(), s.ToArray());
    }

    /// <summary>Parses a TPMT_SIGNATURE. Strict: unknown algorithms, truncation and trailing bytes are errors.</summary>
    /// <param name="data">The marshalled signature.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="AttestationFormatException">The data is malformed.</exception>
    public static TpmSignature Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPMT_SIGNATURE");
        var signature = Read(ref reader);
        reader.EnsureEnd();
        return signature;
    }

    /// <summary>
    /// Parses a TPMT_SIGNATURE whose bytes the caller owns and never writes to again: the signature values are slices
    /// of <paramref name="owned"/> instead of copies.
    /// </summary>
    internal static TpmSignature ParseShared(ReadOnlyMemory<byte> owned)
    {
        var reader = new TpmReader(owned.Span, "TPMT_SIGNATURE");
        var signature = Read(ref reader, owned);
        reader.EnsureEnd();
        return signature;
    }

    /// <summary>Marshals the signature as a TPMT_SIGNATURE.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray()
    {
        var writer = new TpmWriter();
        writer.WriteAlgorithm(Algorithm);
        if (IsRsa)
        {
            writer.WriteAlgorithm(Hash).WriteSized(RsaSignature.Span);
        }
        else if (IsEcc)
        {
            writer.WriteAlgorithm(Hash).WriteSized(EccR.Span).WriteSized(EccS.Span);
        }

        return writer.ToArray();
    }

    internal static TpmSignature Read(ref TpmReader reader, ReadOnlyMemory<byte>? owner = null)
    {
        var algorithm = reader.ReadAlgorithm("sigAlg");
        switch (algorithm)
        {
            case TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss:
                {
                    var hash = ReadHash(ref reader);
                    // TPM2B_PUBLIC_KEY_RSA holds at most a 4096-bit value.
                    var sig = reader.ReadSizedKept("signature.sig", 512, owner);
                    return new TpmSignature(algorithm, hash, sig, default, default);
                }

            case TpmAlgorithm.Ecdsa or TpmAlgorithm.Ecdaa or TpmAlgorithm.Sm2 or TpmAlgorithm.EcSchnorr:
                {
                    var hash = ReadHash(ref reader);
                    // TPM2B_ECC_PARAMETER holds at most a P-521 coordinate (66 bytes).
                    var r = reader.ReadSizedKept("signature.signatureR", 66, owner);
                    var s = reader.ReadSizedKept("signature.signatureS", 66, owner);
                    return new TpmSignature(algorithm, hash, default, r, s);
                }

            case TpmAlgorithm.Null:
                return new TpmSignature(algorithm, TpmAlgorithm.Null, default, default, default);

            default:
                throw reader.Error("sigAlg", "RSASSA (0x0014), RSAPSS (0x0016), ECDSA (0x0018), ECDAA, SM2, ECSCHNORR or NULL", $"0x{(ushort)algorithm:x4}");
        }
    }

    private static TpmAlgorithm ReadHash(ref TpmReader reader)
    {
        var hash = reader.ReadAlgorithm("signature.hash");
        if (!TpmHash.IsSupported(hash))
        {
            throw reader.Error("signature.hash", "sha1, sha256, sha384 or sha512", $"0x{(ushort)hash:x4}");
        }

        return hash;
    }
}
